namespace EngineeringFramework.Core.Mail;

/// <summary>
/// Outgoing mail, the one seam between use cases and delivery. The implementation is <see cref="MailQueue"/>: a
/// message becomes a row in the database and a background worker sends it, so no request waits on SMTP.
/// </summary>
public interface IMailSender
{
    Task SendAsync(MailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// One message to one recipient. <see cref="HtmlBody"/> is optional and, when present, already HTML-encoded where it
/// quotes user input. <see cref="Link"/> is the single-use link the message carries, if any: the development outbox
/// logs it (Development only) to save opening the file.
/// </summary>
public sealed record MailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, Uri? Link = null);
