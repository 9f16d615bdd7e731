using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Queues the request and returns; the delivery worker looks the address up and mails a link only to a confirmed
/// account (<see cref="Mail.MailDispatcher"/>). Looking the account up here would make the request do more work for
/// a real account (a token, a message) than for an unknown address, and the difference shows in the response time.
/// </summary>
internal sealed class LocalPasswordReset(MailQueue queue) : IPasswordResetRequester
{
    public Task RequestAsync(string email, CancellationToken cancellationToken) => queue.EnqueuePasswordResetAsync(email, cancellationToken);
}
