using Microsoft.Extensions.Caching.Memory;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Where each item of a project's checklist sits in the framework: category, subcategory, slug, name, order, whether
/// it is optional, its template, whether it is retired. These are copied from the framework when the project is created
/// and change only when the project is upgraded to another framework version, which always changes the project's
/// <c>FrameworkVersionId</c> in the same transaction (<c>ProjectUpgradeService</c>). So they are read from the database
/// once per project and framework version and kept here, by project, in framework order: every read compares the
/// version it finds on the project's row with the one the kept places were read for, so an upgrade made on any
/// instance is seen by the next read everywhere. Each checklist read fetches the item state that can change (status,
/// notes, assignee, dates, links, review flag, version) always from the database.
/// </summary>
/// <remarks>
/// An entry is only ever used to place rows that the tenant-filtered read returned, matched by item id, so it can
/// neither show an item the caller may not read nor hide one: an id it does not know sends the read back to the
/// database for the project's structure. Bounded by item count; least recently used projects are dropped first.
/// </remarks>
public sealed class ChecklistStructures : IDisposable
{
    /// <summary>About 30 MB of names and slugs at most: 200,000 items (2,000 projects of 100 items).</summary>
    public const int MaxItems = 200_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxItems });

    internal ChecklistStructure? Find(Guid projectId) => cache.TryGetValue(projectId, out ChecklistStructure? structure) ? structure : null;

    internal void Keep(Guid projectId, ChecklistStructure structure)
        => cache.Set(projectId, structure, new MemoryCacheEntryOptions { Size = Math.Max(1, structure.Count), SlidingExpiration = Idle });

    public void Dispose() => cache.Dispose();
}

/// <summary>The fixed part of one item: its place in the framework and what the framework says it is.</summary>
internal sealed record ItemPlace(
    Guid Id,
    string CategorySlug,
    string CategoryName,
    int CategoryOrder,
    string SubcategorySlug,
    string SubcategoryName,
    int SubcategoryOrder,
    string ItemSlug,
    string Name,
    int Order,
    bool Optional,
    string? TemplateSlug,
    DateTime? RetiredAt)
{
    /// <summary>Position in framework order among the project's items (set when the structure is built).</summary>
    public int Rank { get; init; }
}

/// <summary>A project's item places by item id, ranked in framework order.</summary>
internal sealed class ChecklistStructure
{
    private readonly Dictionary<Guid, ItemPlace> places;

    public ChecklistStructure(Guid? frameworkVersionId, IEnumerable<ItemPlace> items)
    {
        FrameworkVersionId = frameworkVersionId;
        // Names repeat across a category's items: keep one copy of each in the cache.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string value) => strings.TryGetValue(value, out var kept) ? kept : strings[value] = value;

        var ordered = items.ToList();
        ordered.Sort(ChecklistReader.Compare);
        places = new Dictionary<Guid, ItemPlace>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            places[p.Id] = p with
            {
                CategorySlug = Shared(p.CategorySlug),
                CategoryName = Shared(p.CategoryName),
                SubcategorySlug = Shared(p.SubcategorySlug),
                SubcategoryName = Shared(p.SubcategoryName),
                TemplateSlug = p.TemplateSlug is null ? null : Shared(p.TemplateSlug),
                Rank = i,
            };
        }
    }

    /// <summary>The project's framework version when these places were read.</summary>
    public Guid? FrameworkVersionId { get; }

    public int Count => places.Count;

    public bool TryGet(Guid itemId, out ItemPlace place) => places.TryGetValue(itemId, out place!);
}
