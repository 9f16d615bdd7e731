using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;

namespace EngineeringFramework.Core.FrameworkUpgrades;

/// <summary>Where an item sits in the framework a project is upgraded to.</summary>
internal sealed record TargetItem(FrameworkCategory Category, FrameworkSubcategory Subcategory, FrameworkItem Item);

/// <summary>One step of an upgrade: an existing item to change or retire, or a new one to add.</summary>
internal sealed record PlannedStep(ChecklistItem? Existing, TargetItem? Target, UpgradeOutcome Outcome, IReadOnlyList<FrameworkAspect> Aspects, ChecklistItemStatus StatusAfter)
{
    public string Slug => Target?.Item.Slug ?? Existing!.ItemSlug;

    public string Name => Target?.Item.Name ?? Existing!.Name;
}

/// <summary>
/// Decides, item by item (matched by slug), what upgrading a project's checklist to a framework does. Pure: the same
/// items and frameworks always give the same plan, and <see cref="Apply"/> carries it out on tracked entities.
/// </summary>
internal static class UpgradePlanner
{
    /// <param name="from">The framework the project is at, for its definitions; null when unknown (definitions are then not compared).</param>
    /// <returns>The steps in the new framework's order, then the items to retire; and how many items stay exactly as they are.</returns>
    public static (List<PlannedStep> Steps, int Unchanged) Plan(IReadOnlyCollection<ChecklistItem> items, FrameworkDefinition? from, FrameworkDefinition to, bool resetChanged)
    {
        var bySlug = items.ToDictionary(i => i.ItemSlug, StringComparer.Ordinal);
        var oldDefinitions = from?.AllItems.ToDictionary(i => i.Slug, i => i.DefinitionMarkdown, StringComparer.Ordinal);
        var steps = new List<PlannedStep>();
        var unchanged = 0;
        foreach (var target in Targets(to))
        {
            var item = target.Item;
            if (!bySlug.TryGetValue(item.Slug, out var existing))
            {
                steps.Add(new PlannedStep(null, target, UpgradeOutcome.Added, [], ChecklistItemStatus.NotStarted));
                continue;
            }

            var aspects = new List<FrameworkAspect>();
            FrameworkDiffer.Note(aspects, existing.Name != item.Name, FrameworkAspect.Renamed);
            FrameworkDiffer.Note(aspects, existing.CategorySlug != target.Category.Slug || existing.SubcategorySlug != target.Subcategory.Slug, FrameworkAspect.Moved);
            FrameworkDiffer.Note(aspects, existing.Order != item.Order, FrameworkAspect.Reordered);
            var definitionChanged = oldDefinitions is not null
                && (!oldDefinitions.TryGetValue(item.Slug, out var oldDefinition) || !FrameworkDiffer.SameText(oldDefinition, item.DefinitionMarkdown));
            FrameworkDiffer.Note(aspects, definitionChanged, FrameworkAspect.DefinitionChanged);
            FrameworkDiffer.Note(aspects, existing.Optional != item.Optional, FrameworkAspect.OptionalChanged);
            FrameworkDiffer.Note(aspects, existing.TemplateSlug != item.TemplateSlug, FrameworkAspect.TemplateChanged);
            FrameworkDiffer.Note(aspects, existing.ReviewIntervalDays != item.ReviewIntervalDays, FrameworkAspect.ReviewIntervalChanged);

            var finished = existing.Status is ChecklistItemStatus.Done or ChecklistItemStatus.NotApplicable;
            var outcome = existing.RetiredAt is not null ? UpgradeOutcome.Restored
                : definitionChanged && finished ? (resetChanged ? UpgradeOutcome.Reset : UpgradeOutcome.FlaggedForReview)
                : aspects.Count > 0 || PlaceDiffers(existing, target) ? UpgradeOutcome.Updated
                : (UpgradeOutcome?)null;
            if (outcome is null)
            {
                unchanged++;
                continue;
            }

            steps.Add(new PlannedStep(existing, target, outcome.Value, aspects, outcome == UpgradeOutcome.Reset ? ChecklistItemStatus.NotStarted : existing.Status));
        }

        var kept = Targets(to).Select(t => t.Item.Slug).ToHashSet(StringComparer.Ordinal);
        steps.AddRange(items
            .Where(i => i.RetiredAt is null && !kept.Contains(i.ItemSlug))
            .OrderBy(i => i.CategoryOrder).ThenBy(i => i.CategorySlug, StringComparer.Ordinal)
            .ThenBy(i => i.SubcategoryOrder).ThenBy(i => i.SubcategorySlug, StringComparer.Ordinal)
            .ThenBy(i => i.Order).ThenBy(i => i.ItemSlug, StringComparer.Ordinal)
            .Select(i => new PlannedStep(i, null, UpgradeOutcome.Retired, [], i.Status)));

        // Items retired earlier and still absent stay as they are.
        unchanged += items.Count(i => i.RetiredAt is not null && !kept.Contains(i.ItemSlug));
        return (steps, unchanged);
    }

    /// <summary>Carries out <paramref name="steps"/>; returns the items to add (not yet added to any context).</summary>
    public static List<ChecklistItem> Apply(IEnumerable<PlannedStep> steps, Guid organizationId, Guid projectId, DateTime now)
    {
        var added = new List<ChecklistItem>();
        foreach (var step in steps)
        {
            if (step.Existing is not { } item)
            {
                var target = step.Target!;
                added.Add(Place(new ChecklistItem
                {
                    OrganizationId = organizationId,
                    ProjectId = projectId,
                    ItemSlug = target.Item.Slug,
                    Name = target.Item.Name,
                    CategorySlug = target.Category.Slug,
                    CategoryName = target.Category.Name,
                    SubcategorySlug = target.Subcategory.Slug,
                    SubcategoryName = target.Subcategory.Name,
                    UpdatedAt = now,
                }, target));
                continue;
            }

            switch (step.Outcome)
            {
                case UpgradeOutcome.Retired:
                    item.RetiredAt = now;
                    break;
                case UpgradeOutcome.Reset:
                    item.ChangeStatus(ChecklistItemStatus.NotStarted, now);
                    item.NotApplicableReason = null;
                    item.DefinitionChangedAt = null;
                    break;
                case UpgradeOutcome.FlaggedForReview:
                    item.DefinitionChangedAt = now;
                    break;
                case UpgradeOutcome.Restored:
                    item.RetiredAt = null;
                    if (step.Aspects.Contains(FrameworkAspect.DefinitionChanged) && item.Status is ChecklistItemStatus.Done or ChecklistItemStatus.NotApplicable)
                    {
                        item.DefinitionChangedAt = now;
                    }

                    break;
            }

            if (step.Target is { } place)
            {
                Place(item, place);
            }

            item.UpdatedAt = now;
        }

        return added;
    }

    /// <summary>Every item of the framework with its category and subcategory, in framework order.</summary>
    public static IEnumerable<TargetItem> Targets(FrameworkDefinition framework)
        => framework.Categories.SelectMany(c => c.Subcategories.SelectMany(s => s.Items.Select(i => new TargetItem(c, s, i))));

    private static ChecklistItem Place(ChecklistItem item, TargetItem target)
    {
        item.Name = target.Item.Name;
        item.CategorySlug = target.Category.Slug;
        item.CategoryName = target.Category.Name;
        item.CategoryOrder = target.Category.Order;
        item.SubcategorySlug = target.Subcategory.Slug;
        item.SubcategoryName = target.Subcategory.Name;
        item.SubcategoryOrder = target.Subcategory.Order;
        item.Order = target.Item.Order;
        item.Optional = target.Item.Optional;
        item.TemplateSlug = target.Item.TemplateSlug;

        // The framework decides how often an item is reviewed: a kept item takes the new interval (counted from its
        // completion or last review as before), so shortening it can make a Done item due at once; its status stays.
        item.ReviewIntervalDays = target.Item.ReviewIntervalDays;
        return item;
    }

    private static bool PlaceDiffers(ChecklistItem item, TargetItem target)
        => item.CategoryName != target.Category.Name || item.CategoryOrder != target.Category.Order
            || item.SubcategoryName != target.Subcategory.Name || item.SubcategoryOrder != target.Subcategory.Order;
}
