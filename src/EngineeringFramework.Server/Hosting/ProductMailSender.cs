using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Identity.Mail;

namespace EngineeringFramework.Server.Hosting;

/// <summary>Product mail (invitations) goes out the same way as account mail: SMTP when configured, else the development outbox.</summary>
internal sealed class ProductMailSender(IAccountMailSender sender) : IMailSender
{
    public Task SendAsync(MailMessage message, CancellationToken cancellationToken)
        => sender.SendAsync(new AccountMail(message.To, message.Subject, message.TextBody, Link: null), cancellationToken);
}
