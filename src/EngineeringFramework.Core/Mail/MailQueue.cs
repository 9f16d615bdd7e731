using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;

namespace EngineeringFramework.Core.Mail;

/// <summary>
/// The only way mail leaves the product: a request seals the message into a <see cref="QueuedMail"/> row and returns;
/// <see cref="MailDelivery"/> sends it in the background. A slow or dead mail server therefore never holds up a
/// request, and a request's duration says nothing about what the mail server was asked to do.
/// </summary>
/// <remarks>
/// The row is saved with the scope's <see cref="AppDbContext"/>: whatever else the caller staged in that context
/// commits with it.
/// </remarks>
internal sealed class MailQueue(AppDbContext db, SecretBox box, MailSignal signal, TimeProvider time) : IMailSender
{
    public Task SendAsync(MailMessage message, CancellationToken cancellationToken)
        => EnqueueAsync(MailKind.Message, message, cancellationToken);

    /// <summary>
    /// Queues a password reset request for <paramref name="address"/> without looking it up: the worker decides
    /// whether an account gets a link (see <see cref="MailKind.PasswordReset"/>). Only the address is sealed.
    /// </summary>
    public Task EnqueuePasswordResetAsync(string address, CancellationToken cancellationToken)
        => EnqueueAsync(MailKind.PasswordReset, new MailMessage(address, string.Empty, string.Empty), cancellationToken);

    private async Task EnqueueAsync(MailKind kind, MailMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var mail = new QueuedMail { Kind = kind, EnqueuedAt = now, NextAttemptAt = now };
        mail.SealedContent = MailSeal.Seal(box, mail.Id, message);
        db.QueuedMail.Add(mail);
        await db.SaveChangesAsync(cancellationToken);
        signal.MailQueued();
    }
}
