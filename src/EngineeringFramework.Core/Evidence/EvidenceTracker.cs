using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Evidence;

/// <summary>
/// Keeps an item's <see cref="EvidenceCheck"/>s in step with its GitHub evidence links, in the same unit of work as the
/// change that caused it (the caller saves): a new link gets a check due now, a removed link loses its check, and when
/// the item is completed or reviewed, its file links are recorded again at their next look, so what is accepted is the
/// evidence as it stands then. Does nothing when the server has no GitHub configured (<see cref="GitHubSyncOptions"/>
/// not registered); whether the organization has a token is the runner's concern, so connecting later needs no rewrite.
/// </summary>
public sealed class EvidenceTracker(AppDbContext db, TimeProvider time, EvidenceCheckSignal? signal = null, GitHubSyncOptions? options = null)
{
    private bool due;

    /// <summary>What happened to an item, as far as its evidence checks care.</summary>
    public sealed record Touched(ChecklistItem Item, bool LinksChanged, bool Accepted);

    /// <summary>
    /// Adds and removes checks for <paramref name="touched"/> items; <see cref="Touched.Accepted"/> (the item just became
    /// Done, or was reviewed) starts their files' record again. One query for all the items, and none when no item has or
    /// had a GitHub link to care about.
    /// </summary>
    public async Task TrackAsync(IReadOnlyList<Touched> touched, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            return;
        }

        var webRoot = options.WebRoot;
        var relevant = touched.Where(t => t.LinksChanged || (t.Accepted && t.Item.EvidenceLinks.Count > 0)).ToList();
        if (relevant.Count == 0)
        {
            return;
        }

        var ids = relevant.Select(t => t.Item.Id).ToList();
        var existing = await db.EvidenceChecks.Where(c => ids.Contains(c.ChecklistItemId)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (item, _, accepted) in relevant)
        {
            var wanted = GitHubEvidenceLink.AllIn(item.EvidenceLinks, webRoot).Where(l => l.Url.Length <= EvidenceCheck.MaxUrlLength).ToDictionary(l => l.Url, StringComparer.Ordinal);
            var mine = existing.Where(c => c.ChecklistItemId == item.Id).ToList();
            foreach (var check in mine)
            {
                if (!wanted.ContainsKey(check.Url))
                {
                    db.EvidenceChecks.Remove(check);
                }
                else if (accepted)
                {
                    // Looked at again right away; what it finds then is what the item's completion (or review) accepted.
                    check.RecordedCommitSha = null;
                    check.DueAt = now;
                    due = true;
                }
            }

            foreach (var link in wanted.Values.Where(l => mine.All(c => c.Url != l.Url)))
            {
                db.EvidenceChecks.Add(new EvidenceCheck
                {
                    OrganizationId = item.OrganizationId,
                    ProjectId = item.ProjectId,
                    ChecklistItemId = item.Id,
                    Url = link.Url,
                    Kind = link.Kind,
                    DueAt = now,
                });
                due = true;
            }
        }

    }

    /// <summary>After the caller's save: wakes this process's worker when a check fell due (other processes poll).</summary>
    public void Saved()
    {
        if (due)
        {
            due = false;
            signal?.Wake();
        }
    }

    /// <summary>The checks of one item, for its details.</summary>
    public async Task<IReadOnlyList<EvidenceCheckView>> ListAsync(Guid itemId, CancellationToken cancellationToken)
        => options is null
            ? []
            : [.. (await db.EvidenceChecks.AsNoTracking().Where(c => c.ChecklistItemId == itemId).OrderBy(c => c.Id).ToListAsync(cancellationToken)).Select(EvidenceCheckView.Of)];
}

/// <summary>Wakes this process's evidence worker when a check falls due now (other processes find it on their next poll).</summary>
public sealed class EvidenceCheckSignal : WakeSignal;
