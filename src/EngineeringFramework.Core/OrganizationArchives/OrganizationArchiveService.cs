using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.OrganizationArchives;

/// <summary>
/// Takes an organization out of this instance as an <see cref="OrganizationArchive"/>, and creates a new organization
/// from one. Export is for the organization's admins; import, like onboarding, for any signed-in user, who becomes the
/// new organization's one admin.
/// </summary>
public sealed class OrganizationArchiveService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time, Evidence.EvidenceTracker? evidence = null)
{
    private const string What = "Organization";

    /// <summary>The importer of a plan other than Free must hold this relation on the system (see <see cref="ImportAsync"/>).</summary>
    private const string SuperAdmin = SystemAdministration.SuperAdmins.Relation;

    /// <remarks>
    /// Requires <c>can_delete</c>: the archive is everything the organization holds (every project, note and
    /// history entry, and who its members are), so it is for the same circle that may take the organization away
    /// altogether: its admins. Like deletion, it is never grantable through a role template (the permission catalog
    /// leaves it out), and a member who is not an admin is refused (403), anyone else finds nothing (404).
    /// </remarks>
    public async Task<OrganizationArchive> ExportAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_delete", Fga.Organization(organizationId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);

        var memberships = await db.Memberships.AsNoTracking().Select(m => new { m.UserId, m.Role }).ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        var items = await db.ChecklistItems.AsNoTracking().ToListAsync(cancellationToken);
        var activity = await db.ActivityEntries.AsNoTracking().OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        var templates = await db.RoleTemplates.AsNoTracking().OrderBy(r => r.Name).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var assignments = await db.RoleAssignments.AsNoTracking().Select(a => new { a.RoleTemplateId, a.UserId }).ToListAsync(cancellationToken);

        // People by address: user ids mean nothing on another instance. Users are global rows, looked up by id only.
        var userIds = memberships.Select(m => m.UserId)
            .Concat(projects.Where(p => p.LeadUserId is not null).Select(p => p.LeadUserId!.Value))
            .Concat(items.Where(i => i.AssigneeUserId is not null).Select(i => i.AssigneeUserId!.Value))
            .Concat(items.Where(i => i.UpdatedByUserId is not null).Select(i => i.UpdatedByUserId!.Value))
            .Concat(activity.Select(a => a.UserId))
            .Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        // A service account's user has no address: its entries travel without an actor, like a deleted account's.
        string? Email(Guid? id) => id is { } value && emails.TryGetValue(value, out var email) && email.Length > 0 ? email : null;

        var versions = await db.FrameworkVersions.AsNoTracking()
            .Select(v => new { v.Id, v.OrganizationId, v.ContentHash, v.IsCurrent })
            .ToDictionaryAsync(v => v.Id, cancellationToken);
        ArchivedFrameworkReference? Reference(Guid? versionId) => versionId is { } id && versions.TryGetValue(id, out var v)
            ? new ArchivedFrameworkReference(v.OrganizationId is null ? FrameworkScope.System : FrameworkScope.Organization, v.ContentHash)
            : null;

        var templateNames = templates.ToDictionary(t => t.Id, t => t.Name);
        var itemsByProject = items.ToLookup(i => i.ProjectId);
        return new OrganizationArchive(
            OrganizationArchive.FormatName,
            OrganizationArchive.CurrentVersion,
            time.GetUtcNow().UtcDateTime,
            new ArchivedOrganization(organization.Name, organization.Slug, organization.Plan, organization.CreatedAt, organization.ResetChangedItemsOnUpgrade),
            await FrameworkAsync(organizationId, cancellationToken),
            [.. memberships
                .Select(m => new ArchivedMember(
                    Email(m.UserId) ?? string.Empty,
                    m.Role,
                    [.. assignments.Where(a => a.UserId == m.UserId).Select(a => templateNames[a.RoleTemplateId]).Order(StringComparer.Ordinal)]))
                .OrderBy(m => m.Email, StringComparer.Ordinal)],
            [.. departments.Select(d => new ArchivedDepartment(d.Id, d.Name, d.Description, d.CreatedAt))],
            [.. projects.Select(p => new ArchivedProject(
                p.Id, p.DepartmentId, p.Name, p.Description, Email(p.LeadUserId), p.TargetDate, p.Status, Reference(p.FrameworkVersionId), p.CreatedAt,
                [.. itemsByProject[p.Id]
                    .OrderBy(i => i.CategoryOrder).ThenBy(i => i.CategorySlug, StringComparer.Ordinal)
                    .ThenBy(i => i.SubcategoryOrder).ThenBy(i => i.SubcategorySlug, StringComparer.Ordinal)
                    .ThenBy(i => i.Order).ThenBy(i => i.ItemSlug, StringComparer.Ordinal)
                    .Select(i => new ArchivedChecklistItem(
                        i.Id, i.ItemSlug, i.Name, i.CategorySlug, i.CategoryName, i.CategoryOrder, i.SubcategorySlug, i.SubcategoryName, i.SubcategoryOrder,
                        i.Order, i.Optional, i.TemplateSlug, i.Status, i.NotApplicableReason, i.Notes, Email(i.AssigneeUserId), i.DueDate,
                        [.. i.EvidenceLinks], i.UpdatedAt, Email(i.UpdatedByUserId), i.RetiredAt, i.DefinitionChangedAt,
                        i.ReviewIntervalDays, i.CompletedAt, i.ReviewedAt))]))],
            [.. activity.Select(a => new ArchivedActivity(
                a.ProjectId, a.ChecklistItemId, Email(a.UserId), a.Surface, a.Client, a.Action, JsonSerializer.Deserialize<JsonElement>(a.ChangesJson), a.At))],
            [.. templates.Select(t => new ArchivedRoleTemplate(t.Name, t.Description, PermissionSet.TryParse(t.PermissionsJson) ?? []))]);
    }

    /// <summary>
    /// The organization's own current framework, whole, in the published folder format; without one, the system
    /// framework its new projects copy, by identity only (the other instance has its own built-in framework).
    /// </summary>
    private async Task<ArchivedFramework> FrameworkAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var own = await db.FrameworkVersions.AsNoTracking().Where(v => v.OrganizationId == organizationId && v.IsCurrent)
            .Select(v => new { v.Id, v.ContentHash }).SingleOrDefaultAsync(cancellationToken);
        if (own is not null)
        {
            var definition = await new FrameworkVersionReader(db).LoadAsync(own.Id, cancellationToken) ?? throw new NotFoundException("Framework version");
            var files = FrameworkExporter.ToFiles(definition).ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value), StringComparer.Ordinal);
            return new ArchivedFramework(FrameworkScope.Organization, own.ContentHash, files);
        }

        var system = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken);
        return new ArchivedFramework(FrameworkScope.System, system?.ContentHash ?? new string('0', 64), null);
    }

    /// <summary>
    /// Creates a new organization from the archive, owned by the caller, in one transaction: every row gets a new id,
    /// relationships inside the archive are kept, and the tuples are those the ordinary create paths write.
    /// </summary>
    /// <remarks>
    /// Security decisions: the caller is the new organization's only member and admin; the archive's members are
    /// not created or granted anything (an archive must never grant access to accounts of this instance), and a
    /// lead, assignee or history author is kept only when it is the caller's own address; otherwise it is dropped
    /// (lead, assignee) or named by nobody (history: the all-zero user id). The plan stays Free unless the caller is a
    /// system super-admin, the only people who may change plans; nobody grants themselves a paid plan by editing a file.
    /// Secrets are never in an archive, so a GitHub connection, MCP grants and API tokens start empty.
    /// </remarks>
    public async Task<OrganizationSummary> ImportAsync(Caller caller, OrganizationArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        await OrganizationArchiveValidator.Instance.ValidateAndThrowAsync(archive, cancellationToken);
        var framework = ParseFramework(archive.Framework);

        var callerEmail = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("User");
        Guid? Map(string? email) => email is not null && string.Equals(email.Trim(), callerEmail.Trim(), StringComparison.OrdinalIgnoreCase) ? caller.UserId : null;
        var plan = archive.Organization.Plan != Plan.Free && await authorizer.CheckAsync(caller, SuperAdmin, Fga.SystemObject, cancellationToken)
            ? archive.Organization.Plan
            : Plan.Free;

        var now = time.GetUtcNow().UtcDateTime;
        var organization = new Organization
        {
            Name = archive.Organization.Name.Trim(),
            Slug = await FreeSlugAsync(archive.Organization, cancellationToken),
            Plan = plan,
            CreatedAt = now,
            ResetChangedItemsOnUpgrade = archive.Organization.ResetChangedItemsOnUpgrade,
        };
        tenant.Set(organization.Id);
        db.Organizations.Add(organization);
        db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = caller.UserId, Role = MembershipRole.Admin, CreatedAt = now });
        OrganizationService.WriteNewOrganizationTuples(relationships, organization.Id, caller.UserId);

        FrameworkVersion? ownVersion = null;
        if (framework is not null)
        {
            ownVersion = new FrameworkImporter(db, time).Build(framework, organization.Id, "import", archive.Framework.ContentHash);
            ownVersion.IsCurrent = true;
            db.FrameworkVersions.Add(ownVersion);
        }

        var systemVersions = await db.FrameworkVersions.AsNoTracking().Where(v => v.OrganizationId == null)
            .Select(v => new { v.Id, v.ContentHash }).ToListAsync(cancellationToken);
        Guid? Version(ArchivedFrameworkReference? reference) => reference switch
        {
            { Scope: FrameworkScope.Organization } when ownVersion is not null && reference.ContentHash == ownVersion.ContentHash => ownVersion.Id,
            { Scope: FrameworkScope.System } => systemVersions.FirstOrDefault(v => v.ContentHash == reference.ContentHash)?.Id,
            _ => null,
        };

        var departments = new Dictionary<Guid, Guid>();
        foreach (var archived in archive.Departments)
        {
            var department = new Department { OrganizationId = organization.Id, Name = archived.Name.Trim(), Description = Clean(archived.Description), CreatedAt = Utc(archived.CreatedAt) };
            departments[archived.Id] = department.Id;
            db.Departments.Add(department);
            DepartmentService.WriteNewDepartmentTuples(relationships, department);
        }

        var projects = new Dictionary<Guid, Guid>();
        var items = new Dictionary<Guid, Guid>();
        var imported = new List<ChecklistItem>();
        foreach (var archived in archive.Projects)
        {
            var project = new Project
            {
                OrganizationId = organization.Id,
                DepartmentId = departments[archived.DepartmentId],
                Name = archived.Name.Trim(),
                Description = Clean(archived.Description),
                LeadUserId = Map(archived.LeadEmail),
                TargetDate = archived.TargetDate,
                Status = archived.Status,
                FrameworkVersionId = Version(archived.Framework),
                CreatedAt = Utc(archived.CreatedAt),
            };
            projects[archived.Id] = project.Id;
            foreach (var item in archived.Items)
            {
                var row = ToItem(item, organization.Id, project.Id, Map);
                items[item.Id] = row.Id;
                project.ChecklistItems.Add(row);
                imported.Add(row);
            }

            db.Projects.Add(project);
            ProjectService.WriteNewProjectTuples(relationships, project);
        }

        foreach (var entry in archive.Activity)
        {
            db.ActivityEntries.Add(new ActivityEntry
            {
                OrganizationId = organization.Id,
                ProjectId = entry.ProjectId is { } projectId ? projects[projectId] : null,
                ChecklistItemId = entry.ChecklistItemId is { } itemId ? items[itemId] : null,
                UserId = Map(entry.ActorEmail) ?? Guid.Empty,
                Surface = entry.Surface,
                Client = entry.Client,
                Action = entry.Action,
                ChangesJson = OrganizationArchiveValidator.StoredChanges(entry.Changes),
                At = Utc(entry.At),
            });
        }

        foreach (var archived in archive.RoleTemplates)
        {
            var permissions = PermissionSet.From(archived.Permissions);
            var template = new RoleTemplate
            {
                OrganizationId = organization.Id,
                Name = archived.Name.Trim(),
                Description = Clean(archived.Description),
                PermissionsJson = permissions.Json,
                PermissionsHash = permissions.Hash,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.RoleTemplates.Add(template);
            RoleTemplateService.WriteNewRoleTemplateTuples(relationships, template, permissions);
        }

        if (evidence is not null)
        {
            // Evidence checks are not in the archive: the links on GitHub are tracked afresh, and checked once the new
            // organization stores a GitHub token (until then they say so).
            await evidence.TrackAsync([.. imported.Where(i => i.EvidenceLinks.Count > 0).Select(i => new Evidence.EvidenceTracker.Touched(i, LinksChanged: true, Accepted: false))], cancellationToken);
        }

        // One save is one transaction: the organization, its rows and its tuples commit together or not at all.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            // The archive was validated whole, so the unique key the database can still refuse is the global slug, taken
            // meanwhile. Anything else (the database unavailable included) is not a conflict and goes up as it is.
            throw new ConflictException($"The slug '{organization.Slug}' was taken meanwhile; import again.");
        }

        return new OrganizationSummary(organization.Id, organization.Name, organization.Slug, organization.Plan, MembershipRole.Admin, organization.CreatedAt);
    }

    /// <summary>PostgreSQL's unique_violation (23505), SQLite's SQLITE_CONSTRAINT_UNIQUE (2067) or _PRIMARYKEY (1555).</summary>
    private static bool IsUniqueViolation(DbUpdateException e) => e.InnerException is Npgsql.PostgresException { SqlState: "23505" }
        or Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>An organization's own framework goes through the one framework parser and validator, like a GitHub sync.</summary>
    private static FrameworkDefinition? ParseFramework(ArchivedFramework archived)
    {
        if (archived.Scope != FrameworkScope.Organization)
        {
            return null;
        }

        var files = archived.Files!.Select(f => new KeyValuePair<string, byte[]>(f.Key, Encoding.UTF8.GetBytes(f.Value)));
        var result = FrameworkParser.Parse(FrameworkSource.FromFiles(files));
        if (!result.IsValid)
        {
            throw new ValidationException(result.Errors.Select(e => new ValidationFailure("Framework.Files", $"{e.Location}: {e.Message}")));
        }

        if (FrameworkHasher.ComputeHash(result.Definition!) != archived.ContentHash)
        {
            throw new ValidationException([new ValidationFailure("Framework.ContentHash", "'ContentHash' is not the hash of the framework's files.")]);
        }

        return result.Definition;
    }

    private static ChecklistItem ToItem(ArchivedChecklistItem item, Guid organizationId, Guid projectId, Func<string?, Guid?> map) => new()
    {
        OrganizationId = organizationId,
        ProjectId = projectId,
        ItemSlug = item.ItemSlug,
        Name = item.Name,
        CategorySlug = item.CategorySlug,
        CategoryName = item.CategoryName,
        CategoryOrder = item.CategoryOrder,
        SubcategorySlug = item.SubcategorySlug,
        SubcategoryName = item.SubcategoryName,
        SubcategoryOrder = item.SubcategoryOrder,
        Order = item.Order,
        Optional = item.Optional,
        TemplateSlug = item.TemplateSlug,
        Status = item.Status,
        // The same normalization as an update: a reason only for N/A, blank notes are none.
        NotApplicableReason = item.Status == ChecklistItemStatus.NotApplicable ? item.NotApplicableReason?.Trim() : null,
        Notes = string.IsNullOrWhiteSpace(item.Notes) ? null : item.Notes,
        AssigneeUserId = map(item.AssigneeEmail),
        DueDate = item.DueDate,
        EvidenceLinks = [.. item.EvidenceLinks],
        UpdatedAt = Utc(item.UpdatedAt),
        UpdatedByUserId = map(item.UpdatedByEmail),
        RetiredAt = item.RetiredAt is { } retired ? Utc(retired) : null,
        DefinitionChangedAt = item.DefinitionChangedAt is { } changed ? Utc(changed) : null,
        ReviewIntervalDays = item.ReviewIntervalDays,
        // Archives written before review intervals carry no completion time: a finished item takes its last update, as
        // the ReviewIntervals migration does for existing rows, so an old archive still imports and schedules reviews.
        CompletedAt = ReviewSchedule.IsFinished(item.Status) ? Utc(item.CompletedAt ?? item.UpdatedAt) : null,
        ReviewedAt = item.Status == ChecklistItemStatus.Done && item.ReviewedAt is { } reviewed ? Utc(reviewed) : null,
    };

    /// <summary>The archive's slug when it is valid and free here, otherwise one made from the name; slugs are global.</summary>
    private async Task<string> FreeSlugAsync(ArchivedOrganization archived, CancellationToken cancellationToken)
    {
        var candidate = new CreateOrganizationValidator().Validate(new CreateOrganizationRequest(archived.Name, archived.Slug)).IsValid && !string.IsNullOrEmpty(archived.Slug)
            ? archived.Slug
            : OrganizationService.Slugify(archived.Name);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (!await db.Organizations.BypassTenantFilter().AnyAsync(o => o.Slug == candidate, cancellationToken))
            {
                return candidate;
            }

            var stem = candidate.Length > 40 ? candidate[..40].TrimEnd('-') : candidate;
            candidate = $"{stem}-{Guid.NewGuid().ToString("N")[..6]}";
        }

        throw new ConflictException("No free slug was found for the imported organization; import again.");
    }

    /// <summary>Times from a file may carry an offset or none; the database keeps UTC.</summary>
    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
