using System.Text.Json;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.RoleTemplates;
using FluentValidation;
using L = EngineeringFramework.Core.OrganizationArchives.OrganizationArchiveLimits;

namespace EngineeringFramework.Core.OrganizationArchives;

/// <summary>
/// Everything an import checks before it writes: format and version, sizes, required fields, the same text and link
/// rules as the use cases that normally write these rows, and that every reference inside the archive leads somewhere
/// (a project's department, a history entry's project and item). Failures name the field, e.g. <c>Projects[3].DepartmentId</c>.
/// </summary>
internal sealed class OrganizationArchiveValidator : AbstractValidator<OrganizationArchive>
{
    public static readonly OrganizationArchiveValidator Instance = new();

    private OrganizationArchiveValidator()
    {
        RuleFor(a => a.Format).Equal(OrganizationArchive.FormatName)
            .WithMessage($"'Format' must be '{OrganizationArchive.FormatName}'.");
        RuleFor(a => a.Version).Equal(OrganizationArchive.CurrentVersion)
            .WithMessage($"'Version' {{PropertyValue}} is not supported; this instance reads version {OrganizationArchive.CurrentVersion}.");

        // The rest only means something in the one format this instance understands.
        When(a => a.Format == OrganizationArchive.FormatName && a.Version == OrganizationArchive.CurrentVersion, () =>
        {
            RuleFor(a => a.Organization).NotNull().SetValidator(new OrganizationValidator());
            RuleFor(a => a.Framework).NotNull().SetValidator(new FrameworkValidator());
            RuleFor(a => a.Members).NotNull().Must(m => m.Count <= L.Members).WithMessage($"'Members' may hold at most {L.Members} entries.");
            RuleForEach(a => a.Members).NotNull().SetValidator(new MemberValidator());
            RuleFor(a => a.Departments).NotNull().Must(d => d.Count <= L.Departments).WithMessage($"'Departments' may hold at most {L.Departments} entries.");
            RuleForEach(a => a.Departments).NotNull().SetValidator(new DepartmentValidator());
            RuleFor(a => a.Projects).NotNull().Must(p => p.Count <= L.Projects).WithMessage($"'Projects' may hold at most {L.Projects} entries.");
            RuleForEach(a => a.Projects).NotNull().SetValidator(new ProjectValidator());
            RuleFor(a => a.Activity).NotNull().Must(a => a.Count <= L.Activity).WithMessage($"'Activity' may hold at most {L.Activity} entries.");
            RuleForEach(a => a.Activity).NotNull().SetValidator(new ActivityValidator());
            RuleFor(a => a.RoleTemplates).NotNull().Must(r => r.Count <= L.RoleTemplates).WithMessage($"'RoleTemplates' may hold at most {L.RoleTemplates} entries.");
            RuleForEach(a => a.RoleTemplates).NotNull().SetValidator(new RoleTemplateValidator());
            RuleFor(a => a).Custom(CheckReferences);
        });
    }

    /// <summary>Ids are unique where they are referenced, and every reference names something in this archive.</summary>
    private static void CheckReferences(OrganizationArchive archive, ValidationContext<OrganizationArchive> context)
    {
        if (archive.Departments is null || archive.Projects is null || archive.Activity is null || archive.RoleTemplates is null)
        {
            return;
        }

        var departments = new HashSet<Guid>();
        for (var i = 0; i < archive.Departments.Count; i++)
        {
            if (archive.Departments[i] is { } department && !departments.Add(department.Id))
            {
                context.AddFailure($"Departments[{i}].Id", "'Id' appears more than once among the departments.");
            }
        }

        var itemsByProject = new Dictionary<Guid, HashSet<Guid>>();
        var items = new HashSet<Guid>();
        for (var i = 0; i < archive.Projects.Count; i++)
        {
            if (archive.Projects[i] is not { } project)
            {
                continue;
            }

            if (itemsByProject.ContainsKey(project.Id))
            {
                context.AddFailure($"Projects[{i}].Id", "'Id' appears more than once among the projects.");
                continue;
            }

            if (!departments.Contains(project.DepartmentId))
            {
                context.AddFailure($"Projects[{i}].DepartmentId", "'DepartmentId' names no department of this archive.");
            }

            var own = itemsByProject[project.Id] = [];
            var slugs = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < (project.Items?.Count ?? 0); j++)
            {
                if (project.Items![j] is not { } item)
                {
                    continue;
                }

                if (!items.Add(item.Id))
                {
                    context.AddFailure($"Projects[{i}].Items[{j}].Id", "'Id' appears more than once among the checklist items.");
                }

                own.Add(item.Id);
                if (item.ItemSlug is not null && !slugs.Add(item.ItemSlug))
                {
                    context.AddFailure($"Projects[{i}].Items[{j}].ItemSlug", "'ItemSlug' appears more than once in the project's checklist.");
                }
            }
        }

        for (var i = 0; i < archive.Activity.Count; i++)
        {
            if (archive.Activity[i] is not { } entry)
            {
                continue;
            }

            if (entry.ProjectId is { } projectId)
            {
                if (!itemsByProject.TryGetValue(projectId, out var own))
                {
                    context.AddFailure($"Activity[{i}].ProjectId", "'ProjectId' names no project of this archive.");
                }
                else if (entry.ChecklistItemId is { } itemId && !own.Contains(itemId))
                {
                    context.AddFailure($"Activity[{i}].ChecklistItemId", "'ChecklistItemId' names no checklist item of the entry's project.");
                }
            }
            else if (entry.ChecklistItemId is not null)
            {
                context.AddFailure($"Activity[{i}].ChecklistItemId", "'ChecklistItemId' needs the entry's 'ProjectId'.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < archive.RoleTemplates.Count; i++)
        {
            if (archive.RoleTemplates[i]?.Name is { } name && !names.Add(name.Trim().ToLowerInvariant()))
            {
                context.AddFailure($"RoleTemplates[{i}].Name", "'Name' appears more than once among the role templates.");
            }
        }
    }

    /// <summary>The history's stored form of the changes: compact, escaped only as JSON requires (as the checklist records them).</summary>
    internal static string StoredChanges(JsonElement changes) => JsonSerializer.Serialize(changes, CompactJson);

    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static IRuleBuilderOptions<T, string?> Text<T>(IRuleBuilderInitial<T, string?> rule, int length, bool required)
    {
        var stop = rule.Cascade(CascadeMode.Stop);
        return required
            ? stop.NotNull().Must(t => t!.Trim().Length > 0).WithMessage("'{PropertyName}' must not be blank.").MaximumLength(length).Storable()
            : stop.MaximumLength(length).Storable();
    }

    private sealed class OrganizationValidator : AbstractValidator<ArchivedOrganization>
    {
        public OrganizationValidator()
        {
            Text(RuleFor(o => o.Name), 200, required: true);
            Text(RuleFor(o => o.Slug), L.SlugLength, required: false);
            RuleFor(o => o.Plan).IsInEnum();
        }
    }

    private sealed class FrameworkValidator : AbstractValidator<ArchivedFramework>
    {
        public FrameworkValidator()
        {
            RuleFor(f => f.Scope).IsInEnum();
            RuleFor(f => f.ContentHash).NotNull().Matches("^[0-9a-f]{64}$").WithMessage("'ContentHash' must be a lowercase hex SHA-256.");
            RuleFor(f => f.Files).NotNull().When(f => f.Scope == FrameworkScope.Organization)
                .WithMessage("'Files' must carry the organization's framework.");
            RuleFor(f => f.Files).Null().When(f => f.Scope == FrameworkScope.System)
                .WithMessage("'Files' is only carried for an organization's own framework.");
            RuleFor(f => f.Files!.Count).LessThanOrEqualTo(L.FrameworkFiles).OverridePropertyName("Files").When(f => f.Files is not null);
            RuleForEach(f => f.Files).Must(f => f.Key.Length <= 500 && StorableText.IsStorable(f.Key) && f.Value is not null && StorableText.IsStorable(f.Value))
                .WithMessage("'Files' holds an entry with an unusable path or content.").OverridePropertyName("Files");
        }
    }

    private sealed class MemberValidator : AbstractValidator<ArchivedMember>
    {
        public MemberValidator()
        {
            Text(RuleFor(m => m.Email), L.EmailLength, required: true);
            RuleFor(m => m.Role).IsInEnum();
            RuleFor(m => m.RoleTemplates).NotNull();
            RuleForEach(m => m.RoleTemplates).Cascade(CascadeMode.Stop).NotNull().MaximumLength(100).Storable();
        }
    }

    private sealed class DepartmentValidator : AbstractValidator<ArchivedDepartment>
    {
        public DepartmentValidator()
        {
            RuleFor(d => d.Id).NotEmpty();
            Text(RuleFor(d => d.Name), 200, required: true);
            Text(RuleFor(d => d.Description), 4000, required: false);
        }
    }

    private sealed class ProjectValidator : AbstractValidator<ArchivedProject>
    {
        public ProjectValidator()
        {
            RuleFor(p => p.Id).NotEmpty();
            RuleFor(p => p.DepartmentId).NotEmpty();
            Text(RuleFor(p => p.Name), 200, required: true);
            Text(RuleFor(p => p.Description), 4000, required: false);
            Text(RuleFor(p => p.LeadEmail), L.EmailLength, required: false);
            RuleFor(p => p.Status).IsInEnum();
            RuleFor(p => p.Framework!.Scope).IsInEnum().OverridePropertyName("Framework.Scope").When(p => p.Framework is not null);
            RuleFor(p => p.Framework!.ContentHash).NotNull().Matches("^[0-9a-f]{64}$").OverridePropertyName("Framework.ContentHash")
                .WithMessage("'ContentHash' must be a lowercase hex SHA-256.").When(p => p.Framework is not null);
            RuleFor(p => p.Items).NotNull().Must(i => i.Count <= L.ItemsPerProject).WithMessage($"'Items' may hold at most {L.ItemsPerProject} entries.");
            RuleForEach(p => p.Items).NotNull().SetValidator(new ItemValidator());
        }
    }

    private sealed class ItemValidator : AbstractValidator<ArchivedChecklistItem>
    {
        private static readonly ChecklistItemChangeValidator<ArchivedChecklistItem> State = new();

        public ItemValidator()
        {
            RuleFor(i => i.Id).NotEmpty();
            Text(RuleFor(i => i.ItemSlug), L.SlugLength, required: true);
            Text(RuleFor(i => i.Name), L.ItemNameLength, required: true);
            Text(RuleFor(i => i.CategorySlug), L.SlugLength, required: true);
            Text(RuleFor(i => i.CategoryName), L.ItemNameLength, required: true);
            Text(RuleFor(i => i.SubcategorySlug), L.SlugLength, required: true);
            Text(RuleFor(i => i.SubcategoryName), L.ItemNameLength, required: true);
            Text(RuleFor(i => i.TemplateSlug), L.SlugLength, required: false);
            Text(RuleFor(i => i.AssigneeEmail), L.EmailLength, required: false);
            Text(RuleFor(i => i.UpdatedByEmail), L.EmailLength, required: false);
            RuleFor(i => i.EvidenceLinks).NotNull();
            RuleFor(i => i.ReviewIntervalDays).InclusiveBetween(1, Frameworks.FrameworkLimits.MaxReviewIntervalDays).When(i => i.ReviewIntervalDays is not null);
            // Status, reason, notes and links: the rules an update through the API or MCP obeys.
            Include(State);
        }
    }

    private sealed class ActivityValidator : AbstractValidator<ArchivedActivity>
    {
        public ActivityValidator()
        {
            Text(RuleFor(a => a.ActorEmail), L.EmailLength, required: false);
            RuleFor(a => a.Surface).IsInEnum();
            Text(RuleFor(a => a.Client), L.ClientLength, required: false);
            Text(RuleFor(a => a.Action), L.ActionLength, required: true);
            RuleFor(a => a.Changes).Cascade(CascadeMode.Stop)
                .Must(c => c.ValueKind == JsonValueKind.Object).WithMessage("'Changes' must be a JSON object.")
                .Must(c => StoredChanges(c) is { Length: <= L.ChangesLength } stored && StorableText.IsStorable(stored))
                .WithMessage($"'Changes' must be at most {L.ChangesLength} characters of storable text.");
        }
    }

    private sealed class RoleTemplateValidator : AbstractValidator<ArchivedRoleTemplate>
    {
        public RoleTemplateValidator()
        {
            Include(RoleTemplateInputValidator.Instance);
            RuleFor(r => r.Name).Storable();
            RuleFor(r => r.Description).Storable();
        }
    }
}
