using System.Collections.Concurrent;
using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Core.Tests.Mail;

/// <summary>Stands in for the server's transports: records every attempt and behaves as the test says (succeed, throw, hang).</summary>
internal sealed class ScriptedDispatcher : IMailDispatcher
{
    private readonly ConcurrentQueue<MailMessage> attempts = new();
    private readonly ConcurrentQueue<MailMessage> sent = new();

    /// <summary>Runs inside each attempt; throw to fail it. Succeeds at once by default.</summary>
    public Func<MailMessage, CancellationToken, Task> Behaviour { get; set; } = (_, _) => Task.CompletedTask;

    public IReadOnlyList<MailMessage> Attempts => [.. attempts];

    public IReadOnlyList<MailMessage> Sent => [.. sent];

    public async Task<DispatchOutcome> DispatchAsync(MailKind kind, MailMessage message, CancellationToken cancellationToken)
    {
        attempts.Enqueue(message);
        await Behaviour(message, cancellationToken);
        sent.Enqueue(message);
        return DispatchOutcome.Sent;
    }
}
