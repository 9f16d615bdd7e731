namespace EngineeringFramework.Core.Mail;

/// <summary>
/// Outgoing mail, the one seam between use cases and delivery. The server supplies the implementation
/// (SMTP, or a development outbox folder); Core only composes messages.
/// </summary>
public interface IMailSender
{
    Task SendAsync(MailMessage message, CancellationToken cancellationToken);
}

/// <summary>One message to one recipient. <see cref="HtmlBody"/> is optional and, when present, already HTML-encoded where it quotes user input.</summary>
public sealed record MailMessage(string To, string Subject, string TextBody, string? HtmlBody = null);
