using System.Text.Json;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.OrganizationArchives;

/// <summary>
/// One organization, taken out of an instance: <c>{"format":"engineering-framework.organization","version":1,…}</c>.
/// Ids inside the archive are references between its own parts (a project names its department, a history entry its
/// item); an import gives every row a new id. People are named by e-mail, never by id: user ids mean nothing on
/// another instance. Secrets (GitHub token, webhook secret, MCP grants, API tokens) are never part of it.
/// </summary>
public sealed record OrganizationArchive(
    string Format,
    int Version,
    DateTime ExportedAt,
    ArchivedOrganization Organization,
    ArchivedFramework Framework,
    IReadOnlyList<ArchivedMember> Members,
    IReadOnlyList<ArchivedDepartment> Departments,
    IReadOnlyList<ArchivedProject> Projects,
    IReadOnlyList<ArchivedActivity> Activity,
    IReadOnlyList<ArchivedRoleTemplate> RoleTemplates)
{
    public const string FormatName = "engineering-framework.organization";

    public const int CurrentVersion = 1;
}

/// <summary>The plan is carried for the record; an import applies it only for a system super-admin (see the import).</summary>
/// <param name="ResetChangedItemsOnUpgrade">The organization's framework upgrade policy; absent in archives written before it existed (false).</param>
public sealed record ArchivedOrganization(string Name, string Slug, Plan Plan, DateTime CreatedAt, bool ResetChangedItemsOnUpgrade = false);

/// <summary>Who belonged, for the record: an import grants nobody but the importing admin (see the README).</summary>
public sealed record ArchivedMember(string Email, MembershipRole Role, IReadOnlyList<string> RoleTemplates);

public sealed record ArchivedDepartment(Guid Id, string Name, string? Description, DateTime CreatedAt);

public sealed record ArchivedProject(
    Guid Id,
    Guid DepartmentId,
    string Name,
    string? Description,
    string? LeadEmail,
    DateOnly? TargetDate,
    ProjectStatus Status,
    ArchivedFrameworkReference? Framework,
    DateTime CreatedAt,
    IReadOnlyList<ArchivedChecklistItem> Items);

public sealed record ArchivedChecklistItem(
    Guid Id,
    string ItemSlug,
    string Name,
    string CategorySlug,
    string CategoryName,
    int CategoryOrder,
    string SubcategorySlug,
    string SubcategoryName,
    int SubcategoryOrder,
    int Order,
    bool Optional,
    string? TemplateSlug,
    ChecklistItemStatus Status,
    string? NotApplicableReason,
    string? Notes,
    string? AssigneeEmail,
    DateOnly? DueDate,
    IReadOnlyList<string> EvidenceLinks,
    DateTime UpdatedAt,
    string? UpdatedByEmail,
    DateTime? RetiredAt = null,
    DateTime? DefinitionChangedAt = null,
    int? ReviewIntervalDays = null,
    DateTime? CompletedAt = null,
    DateTime? ReviewedAt = null) : IChecklistItemChange
{
    // The item state is checked by the same rules as an update through the API; an archived item has no version yet.
    long IChecklistItemChange.Version => 1;

    Guid? IChecklistItemChange.AssigneeUserId => null;

    // Requests awaiting a person's confirmation are not carried: an imported item has its recorded status and nothing waiting.
    string? IChecklistItemChange.Rationale => null;
}

/// <summary>
/// One entry of the history. <see cref="Changes"/> is carried as it was recorded (<c>{"field":{"from":…,"to":…}}</c>);
/// user ids inside it are the source instance's.
/// </summary>
public sealed record ArchivedActivity(
    Guid? ProjectId,
    Guid? ChecklistItemId,
    string? ActorEmail,
    Surface Surface,
    string? Client,
    string Action,
    JsonElement Changes,
    DateTime At);

public sealed record ArchivedRoleTemplate(string Name, string? Description, IReadOnlyList<string> Permissions) : IRoleTemplateInput;

/// <summary>Which framework version a project's checklist was copied from, by identity (scope and content hash).</summary>
public sealed record ArchivedFrameworkReference(FrameworkScope Scope, string ContentHash);

/// <summary>
/// The organization's effective framework. For <see cref="FrameworkScope.Organization"/>, <see cref="Files"/> holds the
/// published folder format (framework.yml, definitions/, templates/), which the import reads through the one framework
/// parser and validator; for <see cref="FrameworkScope.System"/> it is null.
/// </summary>
public sealed record ArchivedFramework(FrameworkScope Scope, string ContentHash, IReadOnlyDictionary<string, string>? Files);
