using EngineeringFramework.Core.Authorization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EngineeringFramework.Core.Data.Signals;

/// <summary>
/// Tells every cache of this deployment that something it may remember has changed, after the change committed and never
/// before: this process's caches at once, the other instances through PostgreSQL <c>NOTIFY</c> on <see cref="Channel"/>
/// (<see cref="ClusterSignalListener"/> hears them). SQLite deployments are one process, so they stop at the first step.
/// </summary>
/// <remarks>
/// What travels is only "forget": a lost signal can leave a cache stale for its own lifetime, never grant anything a
/// permission check would refuse, because no cache here holds a permission (the authorizer is asked on every request).
/// A listener that loses its connection forgets everything when it is back, since it may have missed signals meanwhile.
/// </remarks>
public sealed partial class ClusterSignals(
    IEnumerable<IRelationshipChangeObserver> relationshipObservers,
    IEnumerable<IGrantChangeObserver> grantObservers,
    DatabaseConnection connection,
    ILogger<ClusterSignals> logger)
{
    public const string Channel = "ef_cache_signals";

    /// <summary>PostgreSQL's limit on a NOTIFY payload is 8000 bytes; beyond this many signals, send "forget everyone".</summary>
    private const int MaxSignalsPerNotify = 100;

    /// <summary>This process, so that the listener ignores what this process already told its own caches.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Tells this process's caches now, then the other instances.</summary>
    public async Task PublishAsync(IReadOnlyCollection<CacheSignal> signals, CancellationToken cancellationToken)
    {
        if (signals.Count == 0)
        {
            return;
        }

        Deliver(signals);
        if (connection.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        var payload = signals.Count > MaxSignalsPerNotify
            ? InstanceId + "|" + CacheSignal.Everyone.Encode() + "," + CacheSignal.Grants.Encode()
            : InstanceId + "|" + string.Join(',', signals.Distinct().Select(s => s.Encode()));
        try
        {
            await using var notify = new NpgsqlConnection(connection.ConnectionString);
            await notify.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", notify);
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", payload);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The change is committed; other instances' caches forget within their own lifetime instead.
            LogNotifyFailed(logger, e.Message);
        }
    }

    /// <summary>Tells this process's caches (a signal from another instance, or a local change).</summary>
    public void Deliver(IEnumerable<CacheSignal> signals)
    {
        foreach (var signal in signals)
        {
            switch (signal.Kind)
            {
                case CacheSignalKind.User:
                case CacheSignalKind.Everyone:
                    foreach (var observer in relationshipObservers)
                    {
                        observer.RelationshipChanged(signal.UserId);
                    }

                    break;
                case CacheSignalKind.Grants:
                    foreach (var observer in grantObservers)
                    {
                        observer.GrantsChanged();
                    }

                    break;
            }
        }
    }

    /// <summary>Reads a NOTIFY payload; null when it came from this process (already delivered) or is not ours.</summary>
    internal IReadOnlyList<CacheSignal>? Decode(string payload)
    {
        var bar = payload.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || payload.AsSpan(0, bar).SequenceEqual(InstanceId))
        {
            return null;
        }

        var signals = new List<CacheSignal>();
        foreach (var part in payload[(bar + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CacheSignal.TryDecode(part, out var signal))
            {
                signals.Add(signal);
            }
        }

        return signals;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell other instances to forget cached callers ({Reason}); their caches expire on their own")]
    private static partial void LogNotifyFailed(ILogger logger, string reason);
}

public enum CacheSignalKind
{
    /// <summary>Relationships naming one user changed.</summary>
    User,

    /// <summary>Relationships naming a user set or an object changed: may affect anyone.</summary>
    Everyone,

    /// <summary>OAuth grants (authorizations, tokens) were revoked, or an account was deleted or locked.</summary>
    Grants,
}

public readonly record struct CacheSignal(CacheSignalKind Kind, Guid? UserId = null)
{
    public static CacheSignal Everyone => new(CacheSignalKind.Everyone);

    public static CacheSignal Grants => new(CacheSignalKind.Grants);

    public static CacheSignal ForUser(Guid userId) => new(CacheSignalKind.User, userId);

    internal string Encode() => Kind switch
    {
        CacheSignalKind.User => "u:" + UserId!.Value.ToString("N"),
        CacheSignalKind.Everyone => "*",
        _ => "g",
    };

    internal static bool TryDecode(string text, out CacheSignal signal)
    {
        signal = default;
        if (text == "*")
        {
            signal = Everyone;
            return true;
        }

        if (text == "g")
        {
            signal = Grants;
            return true;
        }

        if (text.StartsWith("u:", StringComparison.Ordinal) && Guid.TryParseExact(text.AsSpan(2), "N", out var id))
        {
            signal = ForUser(id);
            return true;
        }

        return false;
    }
}

/// <summary>Told when OAuth grants were revoked anywhere in the deployment (after the revocation committed).</summary>
public interface IGrantChangeObserver
{
    void GrantsChanged();
}
