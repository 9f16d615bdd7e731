using System.Collections.Concurrent;
using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Testing;

/// <summary>Keeps every message instead of delivering it, for tests to read links out of.</summary>
public sealed class CapturingMailSender : IMailSender
{
    private readonly ConcurrentQueue<MailMessage> sent = new();

    public IReadOnlyList<MailMessage> Sent => [.. sent];

    public Task SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        sent.Enqueue(message);
        return Task.CompletedTask;
    }
}
