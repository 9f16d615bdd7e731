using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Projects;

public sealed class Project : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid DepartmentId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public Guid? LeadUserId { get; set; }

    public DateOnly? TargetDate { get; set; }

    public ProjectStatus Status { get; set; } = ProjectStatus.Active;

    /// <summary>The framework version the checklist was copied from, or last upgraded to.</summary>
    public Guid? FrameworkVersionId { get; set; }

    public DateTime CreatedAt { get; init; }

    public List<ChecklistItem> ChecklistItems { get; } = [];
}
