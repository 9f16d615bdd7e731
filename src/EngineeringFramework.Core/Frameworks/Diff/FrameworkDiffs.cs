using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using Microsoft.Extensions.Caching.Memory;

namespace EngineeringFramework.Core.Frameworks.Diff;

/// <summary>
/// Diffs between stored framework versions, kept in memory by pair of ids. A stored version's content never changes
/// (only which version is current does), so neither does the diff of two ids: nothing here can go stale. It saves the
/// project page of every project behind the current version from loading and comparing two whole frameworks on each view.
/// </summary>
/// <remarks>
/// Callers pass only ids they have already found visible through the tenant filter (their own organization's versions
/// or the system's), so the cache never hands one organization the content of another's: a miss loads through the
/// caller's tenant-filtered context, and a version it cannot see is not found and not kept.
/// </remarks>
public sealed class FrameworkDiffs : IDisposable
{
    /// <summary>Pairs kept; a diff of two 2,000-item frameworks is a few hundred kilobytes at most.</summary>
    public const int MaxPairs = 64;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxPairs });

    /// <returns>Null when either version is not visible to <paramref name="db"/>'s tenant.</returns>
    internal async Task<FrameworkDiff?> GetAsync(AppDbContext db, Guid fromVersionId, Guid toVersionId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue((fromVersionId, toVersionId), out FrameworkDiff? kept))
        {
            return kept;
        }

        var reader = new FrameworkVersionReader(db);
        var from = await reader.LoadAsync(fromVersionId, cancellationToken);
        var to = from is null ? null : await reader.LoadAsync(toVersionId, cancellationToken);
        if (from is null || to is null)
        {
            return null;
        }

        var diff = FrameworkDiffer.Compare(from, to);
        cache.Set((fromVersionId, toVersionId), diff, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return diff;
    }

    public void Dispose() => cache.Dispose();
}
