namespace EngineeringFramework.Core.Mail;

public enum DispatchOutcome
{
    /// <summary>The message went to the mail server (or the development outbox).</summary>
    Sent,

    /// <summary>There was nothing to send (a reset request for an address without a confirmed account).</summary>
    NothingToSend,
}

/// <summary>
/// Sends one claimed message; supplied by the server, which owns the transports and the accounts. Resolved in a
/// fresh scope per message. Throws when the message could not be sent (it is retried later); honours cancellation,
/// which is how a send that takes longer than the send timeout is abandoned.
/// </summary>
internal interface IMailDispatcher
{
    Task<DispatchOutcome> DispatchAsync(MailKind kind, MailMessage message, CancellationToken cancellationToken);
}
