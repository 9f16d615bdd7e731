using EngineeringFramework.Core.Authorization;
using Microsoft.Extensions.Caching.Memory;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// The per-request lookup of the MCP caller (user, organizations, grants), kept five minutes and bounded.
/// Any relationship change this process makes about a user forgets that user at once; a change about a
/// user set (role permissions) forgets everyone. Other instances forget within the TTL.
/// </summary>
internal sealed class McpCallerCache(TimeProvider time) : IRelationshipChangeObserver, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000, Clock = new SystemClockAdapter(time) });
    private readonly Lock swap = new();

    public bool TryGet(string subject, out McpCaller? caller) => cache.TryGetValue(subject, out caller);

    public void Set(string subject, McpCaller caller)
        => cache.Set(subject, caller, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void RelationshipChanged(Guid? userId)
    {
        if (userId is { } id)
        {
            // Keys are token subjects; entries know their user id. Few entries per user: scan and remove.
            foreach (var key in cache.Keys)
            {
                if (cache.TryGetValue(key, out McpCaller? caller) && caller!.UserId == id)
                {
                    cache.Remove(key);
                }
            }

            return;
        }

        lock (swap)
        {
            var old = cache;
            cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000, Clock = new SystemClockAdapter(time) });
            old.Dispose();
        }
    }

    public void Dispose() => cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is obsolete elsewhere but still what MemoryCacheOptions.Clock takes.
    private sealed class SystemClockAdapter(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
