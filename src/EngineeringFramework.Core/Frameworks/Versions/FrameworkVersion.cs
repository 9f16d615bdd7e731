using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Frameworks.Versions;

/// <summary>
/// An immutable, imported framework, identified by its content hash. The system's versions have no
/// organization; an organization's synced versions carry its id. Exactly one version per scope is current.
/// </summary>
public sealed class FrameworkVersion : ISystemOrOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid? OrganizationId { get; init; }

    /// <summary>Lowercase hex SHA-256 of the content (see <c>FrameworkHasher</c>).</summary>
    public required string ContentHash { get; init; }

    /// <summary>Where it came from: <c>builtin</c>, <c>import</c>, <c>github:{sha}</c>.</summary>
    public required string Source { get; init; }

    public DateTime ImportedAt { get; init; }

    /// <summary>The person whose action made this version (a super-admin's edit or import); null for the built-in framework and GitHub sync.</summary>
    public Guid? ImportedByUserId { get; init; }

    /// <summary>Where the content can be seen at its source: the GitHub commit's page for a synced version.</summary>
    public string? SourceUrl { get; init; }

    public bool IsCurrent { get; set; }

    public int CategoryCount { get; init; }

    public int SubcategoryCount { get; init; }

    public int ItemCount { get; init; }

    public int TemplateCount { get; init; }

    public List<FrameworkVersionCategory> Categories { get; init; } = [];

    public List<FrameworkVersionTemplate> Templates { get; init; } = [];
}

public sealed class FrameworkVersionCategory : ISystemOrOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid FrameworkVersionId { get; init; }

    public Guid? OrganizationId { get; init; }

    public required string Slug { get; init; }

    public required string Name { get; init; }

    public int Order { get; init; }

    public string? Description { get; init; }

    public List<FrameworkVersionSubcategory> Subcategories { get; init; } = [];
}

public sealed class FrameworkVersionSubcategory : ISystemOrOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid CategoryId { get; init; }

    public Guid? OrganizationId { get; init; }

    public required string Slug { get; init; }

    public required string Name { get; init; }

    public int Order { get; init; }

    public string? Description { get; init; }

    public List<FrameworkVersionItem> Items { get; init; } = [];
}

public sealed class FrameworkVersionItem : ISystemOrOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid SubcategoryId { get; init; }

    /// <summary>Denormalized so items can be looked up by version and slug in one indexed query.</summary>
    public Guid FrameworkVersionId { get; init; }

    public Guid? OrganizationId { get; init; }

    public required string Slug { get; init; }

    public required string Name { get; init; }

    public int Order { get; init; }

    public bool Optional { get; init; }

    public string? DefinitionMarkdown { get; init; }

    public string? TemplateSlug { get; init; }

    /// <summary>framework.yml's <c>reviewIntervalDays</c>; null when the item asks for no periodic review.</summary>
    public int? ReviewIntervalDays { get; init; }
}

public sealed class FrameworkVersionTemplate : ISystemOrOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid FrameworkVersionId { get; init; }

    public Guid? OrganizationId { get; init; }

    public required string Slug { get; init; }

    public required string Name { get; init; }

    public required string Markdown { get; init; }
}
