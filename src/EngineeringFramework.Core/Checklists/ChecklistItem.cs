using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// One item of a project's checklist. The framework item is copied in (names, order, slugs) when the
/// project is created, so later framework changes never rewrite an existing project.
/// </summary>
public sealed class ChecklistItem : IOrganizationOwned, Data.IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ProjectId { get; init; }

    public required string ItemSlug { get; init; }

    public required string Name { get; init; }

    public required string CategorySlug { get; init; }

    public required string CategoryName { get; init; }

    public int CategoryOrder { get; init; }

    public required string SubcategorySlug { get; init; }

    public required string SubcategoryName { get; init; }

    public int SubcategoryOrder { get; init; }

    public int Order { get; init; }

    public bool Optional { get; init; }

    public string? TemplateSlug { get; init; }

    public ChecklistItemStatus Status { get; set; } = ChecklistItemStatus.NotStarted;

    public string? NotApplicableReason { get; set; }

    /// <summary>Markdown, rendered sanitized.</summary>
    public string? Notes { get; set; }

    public Guid? AssigneeUserId { get; set; }

    public DateOnly? DueDate { get; set; }

    /// <summary>http/https URLs only (validated by the use case).</summary>
    public List<string> EvidenceLinks { get; set; } = [];

    public DateTime UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    /// <summary>
    /// Optimistic concurrency token, bumped on every save by <see cref="Data.AppDbContext"/>. A portable
    /// counter rather than a provider row version, so SQLite and PostgreSQL behave the same.
    /// </summary>
    public long Version { get; set; } = 1;
}
