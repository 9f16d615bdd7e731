using EngineeringFramework.Core.Mail;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// Mail through the configured SMTP server (STARTTLS when the server offers it, TLS on 465). Runs only in the delivery
/// worker, which cancels it after the send timeout: every network step takes the token, so a mail server that accepts
/// the connection and then says nothing cannot hold the worker.
/// </summary>
internal sealed partial class SmtpMailSender(SmtpSettings smtp, ILogger<SmtpMailSender> logger) : IMailTransport
{
    public async Task SendAsync(MailMessage mail, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody();

        using var client = new SmtpClient();
        var security = smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
        if (smtp.Username is not null)
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        LogSent(logger, mail.Subject);
    }

    // Neither the recipient (personal data) nor the body (it holds a single-use link) is logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Sent mail \"{Subject}\" through SMTP")]
    private static partial void LogSent(ILogger logger, string subject);
}
