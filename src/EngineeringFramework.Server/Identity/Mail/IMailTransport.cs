using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// How a message physically leaves: SMTP when configured, else the development outbox folder. Only the delivery
/// worker (<see cref="MailDispatcher"/>) calls it; requests queue mail through <see cref="IMailSender"/> instead, so
/// none of them waits on a mail server. Implementations never log the recipient, nor the link outside Development.
/// </summary>
internal interface IMailTransport
{
    Task SendAsync(MailMessage message, CancellationToken cancellationToken);
}
