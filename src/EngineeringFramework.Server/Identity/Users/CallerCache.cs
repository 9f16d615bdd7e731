using EngineeringFramework.Core.Authorization;
using Microsoft.Extensions.Caching.Memory;

namespace EngineeringFramework.Server.Identity.Users;

/// <summary>
/// A per-request lookup of the caller, by token subject, kept <see cref="Lifetime"/> and bounded. Any relationship change
/// this process makes about a user forgets that user at once; with <paramref name="forgetAllOnSharedChanges"/>, a change
/// about a user set or an object (role permissions, a new project) forgets everyone. Other instances forget within the
/// lifetime. A cached caller never skips an authorization check: it only saves looking up who the caller is.
/// </summary>
internal abstract class CallerCache<TCaller>(TimeProvider time, Func<TCaller, Guid> userIdOf, bool forgetAllOnSharedChanges)
    : IRelationshipChangeObserver, IDisposable
    where TCaller : class
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int Capacity = 10_000;

    private readonly Lock swap = new();
    private MemoryCache cache = Create(time);

    public bool TryGet(string subject, out TCaller? caller) => cache.TryGetValue(subject, out caller);

    public void Set(string subject, TCaller caller)
        => cache.Set(subject, caller, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void RelationshipChanged(Guid? userId)
    {
        if (userId is { } id)
        {
            // Keys are token subjects; entries know their user id. Few entries per user: scan and remove.
            foreach (var key in cache.Keys)
            {
                if (cache.TryGetValue(key, out TCaller? caller) && userIdOf(caller!) == id)
                {
                    cache.Remove(key);
                }
            }

            return;
        }

        if (!forgetAllOnSharedChanges)
        {
            return;
        }

        lock (swap)
        {
            var old = cache;
            cache = Create(time);
            old.Dispose();
        }
    }

    public void Dispose() => cache.Dispose();

    private static MemoryCache Create(TimeProvider time) => new(new MemoryCacheOptions { SizeLimit = Capacity, Clock = new SystemClockAdapter(time) });

#pragma warning disable CS0618 // ISystemClock is obsolete elsewhere but still what MemoryCacheOptions.Clock takes.
    private sealed class SystemClockAdapter(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
