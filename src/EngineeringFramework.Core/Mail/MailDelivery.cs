using System.Linq.Expressions;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Mail;

/// <summary>
/// Sends queued mail. For each due row: claim it with one conditional UPDATE (so of several workers, in one process
/// or on several servers sharing the database, exactly one wins), open the sealed content, dispatch it within
/// <see cref="MailDeliveryOptions.SendTimeout"/>, then record the outcome, again conditionally on still holding the
/// lease. No transaction is held while a message is sent, so a slow mail server never blocks a request's insert.
/// </summary>
/// <remarks>
/// Delivery is at least once, not exactly once: if a worker dies (or overruns its lease) after the mail server took
/// the message but before the outcome is recorded, another worker sends it again once the lease expires. A repeated
/// confirmation or reset mail is harmless; a lost one is not. A failed attempt is retried after an exponential
/// backoff, and after <see cref="MailDeliveryOptions.MaxAttempts"/> the row is failed; a finished row keeps no
/// content. Logs name the row, never the recipient or the body, and carry no exception text (mail servers quote
/// addresses in their errors).
/// </remarks>
internal sealed partial class MailDelivery(IServiceScopeFactory scopes, MailDeliveryOptions options, TimeProvider time, ILogger<MailDelivery> logger)
{
    // One round at a time in this process: the background worker and a caller of DeliverDueAsync (tests, an
    // operator) never interleave, so when DeliverDueAsync returns, nothing due remains unsent here.
    private readonly SemaphoreSlim round = new(1, 1);

    /// <summary>This worker's name in leases: unique per instance (so per process).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}" is var id && id.Length > 100 ? id[^100..] : id;

    /// <summary>
    /// Sends every message that is due now, after any round already running in this process has finished; returns
    /// how many messages this call attempted. Messages whose retry is not yet due stay queued.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await round.WaitAsync(cancellationToken);
        try
        {
            var attempted = 0;
            while (await ClaimNextAsync(cancellationToken) is { } claim)
            {
                if (claim != Guid.Empty)
                {
                    await DeliverClaimedAsync(claim, cancellationToken);
                    attempted++;
                }
            }

            await ForgetFinishedAsync(cancellationToken);
            return attempted;
        }
        finally
        {
            round.Release();
        }
    }

    /// <returns>The claimed row's id; <see cref="Guid.Empty"/> when another worker won the row (look again); null when nothing is due.</returns>
    private async Task<Guid?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = Now();
        var candidate = await db.QueuedMail.AsNoTracking()
            .Where(Claimable(now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => (Guid?)m.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (candidate is not { } id)
        {
            return null;
        }

        var leaseExpiresAt = now + options.LeaseDuration;
        var claimed = await db.QueuedMail
            .Where(m => m.Id == id).Where(Claimable(now))
            .ExecuteUpdateAsync(
                u => u.SetProperty(m => m.Status, MailStatus.Sending)
                    .SetProperty(m => m.LeaseOwner, WorkerId)
                    .SetProperty(m => m.LeaseExpiresAt, leaseExpiresAt)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1),
                cancellationToken);
        return claimed == 1 ? id : Guid.Empty;
    }

    private async Task DeliverClaimedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var mail = await db.QueuedMail.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
        if (mail.Attempts > options.MaxAttempts)
        {
            // Only claims by workers that died mid-send get here: each one counted as an attempt.
            await FinishAsync(db, id, MailStatus.Failed, "abandoned", cancellationToken);
            LogFailed(logger, id, mail.Kind, mail.Attempts, "abandoned");
            return;
        }

        MailMessage message;
        try
        {
            message = MailSeal.Open(scope.ServiceProvider.GetRequiredService<SecretBox>(), id, mail.SealedContent ?? []);
        }
        catch (SecretBoxException)
        {
            // Sealed under another ENCRYPTION_KEY, or tampered with: no retry can ever open it.
            await FinishAsync(db, id, MailStatus.Failed, "unreadable", cancellationToken);
            LogFailed(logger, id, mail.Kind, mail.Attempts, "unreadable");
            return;
        }

        using var sendTimeout = new CancellationTokenSource(options.SendTimeout, time);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sendTimeout.Token);
        DispatchOutcome outcome;
        try
        {
            outcome = await scope.ServiceProvider.GetRequiredService<IMailDispatcher>().DispatchAsync(mail.Kind, message, sending.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the row back at once rather than leaving it until the lease expires.
            await db.QueuedMail.Where(m => m.Id == id && m.LeaseOwner == WorkerId)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, MailStatus.Queued).SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            var reason = sendTimeout.IsCancellationRequested ? "timeout" : ex.GetType().Name;
            await RecordFailureAsync(db, mail, reason);
            return;
        }

        await FinishAsync(db, id, outcome == DispatchOutcome.Sent ? MailStatus.Delivered : MailStatus.Dropped, null, CancellationToken.None);
        LogFinished(logger, id, mail.Kind, outcome, mail.Attempts);
    }

    // Recorded even while shutting down: the attempt happened, and its row must not stay claimed.
    private async Task RecordFailureAsync(AppDbContext db, QueuedMail mail, string reason)
    {
        if (mail.Attempts >= options.MaxAttempts)
        {
            await FinishAsync(db, mail.Id, MailStatus.Failed, reason, CancellationToken.None);
            LogFailed(logger, mail.Id, mail.Kind, mail.Attempts, reason);
            return;
        }

        var retryAt = Now() + options.Backoff(mail.Attempts);
        await db.QueuedMail.Where(m => m.Id == mail.Id && m.LeaseOwner == WorkerId)
            .ExecuteUpdateAsync(
                u => u.SetProperty(m => m.Status, MailStatus.Queued)
                    .SetProperty(m => m.NextAttemptAt, retryAt)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(m => m.LastError, reason),
                CancellationToken.None);
        LogWillRetry(logger, mail.Id, mail.Kind, mail.Attempts, reason, retryAt);
    }

    /// <summary>
    /// Records the end, erasing the sealed content: a delivered link must not outlive its message in our database.
    /// Only while this worker still holds the lease: a worker that overran it must not overwrite its successor.
    /// </summary>
    private Task<int> FinishAsync(AppDbContext db, Guid id, MailStatus status, string? reason, CancellationToken cancellationToken)
    {
        var now = Now();
        return db.QueuedMail.Where(m => m.Id == id && m.LeaseOwner == WorkerId)
            .ExecuteUpdateAsync(
                u => u.SetProperty(m => m.Status, status)
                    .SetProperty(m => m.SealedContent, (byte[]?)null)
                    .SetProperty(m => m.FinishedAt, now)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(m => m.LastError, reason),
                cancellationToken);
    }

    private async Task ForgetFinishedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var before = Now() - options.Retention;
        await db.QueuedMail
            .Where(m => m.FinishedAt != null && m.FinishedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Due and waiting, or held by a worker whose lease ran out (it died): the one rule for what a worker may take.</summary>
    private static Expression<Func<QueuedMail, bool>> Claimable(DateTime now) =>
        m => (m.Status == MailStatus.Queued && m.NextAttemptAt <= now) || (m.Status == MailStatus.Sending && m.LeaseExpiresAt < now);

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {MailId} ({Kind}) finished {Outcome} on attempt {Attempt}")]
    private static partial void LogFinished(ILogger logger, Guid mailId, MailKind kind, DispatchOutcome outcome, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId} ({Kind}) attempt {Attempt} failed ({Reason}); next attempt at {RetryAt:o}")]
    private static partial void LogWillRetry(ILogger logger, Guid mailId, MailKind kind, int attempt, string reason, DateTime retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {MailId} ({Kind}) failed for good after {Attempts} attempt(s) ({Reason}); it will not be sent")]
    private static partial void LogFailed(ILogger logger, Guid mailId, MailKind kind, int attempts, string reason);
}
