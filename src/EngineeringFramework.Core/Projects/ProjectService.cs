using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Projects;

/// <summary>Project use cases: validate, authorize through the relationship model, then touch tenant-scoped data.</summary>
public sealed class ProjectService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time)
{
    private const string What = "Project";

    /// <summary>The wildcard user of <c>project#archived</c>: an archived project is archived for everyone.</summary>
    internal const string AnyUser = "user:*";

    /// <summary>
    /// Creates the project with a copy of the organization's effective framework as its checklist; the
    /// project, its checklist and its relationship tuples commit in one save.
    /// </summary>
    public async Task<ProjectDetails> CreateAsync(Caller caller, Guid organizationId, CreateProjectRequest request, CancellationToken cancellationToken)
    {
        await new CreateProjectValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_create_project", Fga.Department(request.DepartmentId), "can_view", "Department", cancellationToken);
        tenant.Set(organizationId);
        if (!await db.Departments.AnyAsync(d => d.Id == request.DepartmentId, cancellationToken))
        {
            throw new NotFoundException("Department");
        }

        await EnsureMemberAsync(request.LeadUserId, nameof(CreateProjectRequest.LeadUserId), cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var framework = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken);
        var project = new Project
        {
            OrganizationId = organizationId,
            DepartmentId = request.DepartmentId,
            Name = request.Name.Trim(),
            Description = Clean(request.Description),
            LeadUserId = request.LeadUserId,
            TargetDate = request.TargetDate,
            FrameworkVersionId = framework?.Id,
            CreatedAt = now,
        };
        if (framework is not null)
        {
            project.ChecklistItems.AddRange(await ChecklistCopier.CopyAsync(db, framework.Id, organizationId, project.Id, now, cancellationToken));
        }

        db.Projects.Add(project);
        WriteNewProjectTuples(relationships, project);

        await db.SaveChangesAsync(cancellationToken);
        var required = project.ChecklistItems.Where(i => !i.Optional).ToList();
        var categories = project.ChecklistItems
            .GroupBy(i => (i.CategorySlug, i.CategoryName, i.CategoryOrder))
            .Select(g => new CategoryProgress(g.Key.CategorySlug, g.Key.CategoryName, g.Key.CategoryOrder, Progress.Of(0, 0, g.Count(i => !i.Optional))))
            .OrderBy(c => c.Order).ThenBy(c => c.Slug, StringComparer.Ordinal)
            .ToList();
        return new ProjectDetails(ToSummary(project), Progress.Of(0, 0, required.Count), categories);
    }

    /// <summary>Every member may see every project of the organization; filters narrow, keyset pagination pages.</summary>
    public async Task<ProjectPage> ListAsync(Caller caller, Guid organizationId, ListProjectsRequest request, CancellationToken cancellationToken)
    {
        await new ListProjectsValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var query = db.Projects.AsNoTracking();
        if (request.DepartmentId is { } department)
        {
            query = query.Where(p => p.DepartmentId == department);
        }

        if (request.Status is { } status)
        {
            query = query.Where(p => p.Status == status);
        }

        if (request.LeadUserId is { } lead)
        {
            query = query.Where(p => p.LeadUserId == lead);
        }

        if (request.Cursor is not null && ProjectCursor.TryDecode(request.Cursor, out var after))
        {
            query = query.Where(p => p.Name.CompareTo(after!.Name) > 0 || (p.Name == after.Name && p.Id.CompareTo(after.Id) > 0));
        }

        var rows = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Take(request.Limit + 1)
            .Select(p => new ProjectSummary(p.Id, p.DepartmentId, p.Name, p.Description, p.LeadUserId, p.TargetDate, p.Status, p.FrameworkVersionId, p.CreatedAt))
            .ToListAsync(cancellationToken);
        var page = rows.Take(request.Limit).ToList();
        var progress = await ProgressOfAsync(page.ConvertAll(p => p.Id), cancellationToken);
        var items = page.ConvertAll(p => new ProjectListItem(
            p.Id, p.DepartmentId, p.Name, p.Description, p.LeadUserId, p.TargetDate, p.Status, p.FrameworkVersionId, p.CreatedAt,
            progress.GetValueOrDefault(p.Id) ?? Progress.Of(0, 0, 0)));
        var next = rows.Count > request.Limit ? new ProjectCursor(page[^1].Name, page[^1].Id).Encode() : null;
        return new ProjectPage(items, next);
    }

    /// <summary>
    /// Overall progress of many projects in one grouped query, so a list costs the same number of round trips
    /// whatever its length.
    /// </summary>
    private async Task<Dictionary<Guid, Progress>> ProgressOfAsync(List<Guid> projectIds, CancellationToken cancellationToken)
    {
        if (projectIds.Count == 0)
        {
            return [];
        }

        var rows = await ProgressCounts.ByCategoryAsync(db.ChecklistItems.Where(i => projectIds.Contains(i.ProjectId)), cancellationToken);
        return rows.GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, ProgressCounts.Overall);
    }

    /// <summary>The project with its progress, overall and per category (counted in the database, one grouped query).</summary>
    public async Task<ProjectDetails> GetAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(What);
        return await WithProgressAsync(ToSummary(project), cancellationToken);
    }

    /// <summary>Replaces every editable field with the request's (a null clears a nullable field).</summary>
    public async Task<ProjectDetails> UpdateAsync(Caller caller, Guid organizationId, Guid projectId, UpdateProjectRequest request, CancellationToken cancellationToken)
    {
        await new UpdateProjectValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_update", Fga.Project(projectId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(What);
        return await ApplyAsync(organizationId, project, request, cancellationToken);
    }

    /// <summary>
    /// Changes only the fields the request carries; the rest keep their stored values (so leaving out the status
    /// never un-archives a project). Same permission and validation as <see cref="UpdateAsync"/>.
    /// </summary>
    public async Task<ProjectDetails> PatchAsync(Caller caller, Guid organizationId, Guid projectId, PatchProjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await new PatchProjectValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_update", Fga.Project(projectId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(What);
        var merged = new UpdateProjectRequest(
            request.Name.Or(project.Name),
            request.Description.Or(project.Description),
            request.LeadUserId.Or(project.LeadUserId),
            request.TargetDate.Or(project.TargetDate),
            request.Status.Or(project.Status));
        return await ApplyAsync(organizationId, project, merged, cancellationToken);
    }

    /// <summary>Writes a validated, authorized full set of fields; lead and archive tuples follow in the same save.</summary>
    private async Task<ProjectDetails> ApplyAsync(Guid organizationId, Project project, UpdateProjectRequest request, CancellationToken cancellationToken)
    {
        var projectId = project.Id;
        if (request.LeadUserId != project.LeadUserId)
        {
            await EnsureMemberAsync(request.LeadUserId, nameof(UpdateProjectRequest.LeadUserId), cancellationToken);
            if (project.LeadUserId is { } oldLead)
            {
                await relationships.DeleteAsync(Fga.Project(projectId), "lead", Fga.User(oldLead), cancellationToken);
            }

            if (request.LeadUserId is { } newLead)
            {
                relationships.Write(organizationId, Fga.Project(projectId), "lead", Fga.User(newLead));
            }
        }

        // Archiving is a relationship, not only a column: the model refuses checklist edits on archived projects.
        if (request.Status == ProjectStatus.Archived && project.Status != ProjectStatus.Archived)
        {
            relationships.Write(organizationId, Fga.Project(projectId), "archived", AnyUser);
        }
        else if (request.Status != ProjectStatus.Archived && project.Status == ProjectStatus.Archived)
        {
            await relationships.DeleteAsync(Fga.Project(projectId), "archived", AnyUser, cancellationToken);
        }

        project.Name = request.Name.Trim();
        project.Description = Clean(request.Description);
        project.LeadUserId = request.LeadUserId;
        project.TargetDate = request.TargetDate;
        project.Status = request.Status;
        await db.SaveChangesAsync(cancellationToken);
        return await WithProgressAsync(ToSummary(project), cancellationToken);
    }

    /// <summary>
    /// Moves the project to another department of the organization. The caller must both be able to update the project
    /// and to create projects in the target department, so a move never puts a project where its mover could not have
    /// made it. The department column and the <c>project#department</c> tuple change in the same save.
    /// </summary>
    public async Task<ProjectDetails> MoveAsync(Caller caller, Guid organizationId, Guid projectId, MoveProjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await new MoveProjectValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_update", Fga.Project(projectId), "can_view", What, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_create_project", Fga.Department(request.DepartmentId), "can_view", "Department", cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(What);

        // The tenant filter limits the lookup to this organization: a department of another one is not found.
        if (!await db.Departments.AnyAsync(d => d.Id == request.DepartmentId, cancellationToken))
        {
            throw new NotFoundException("Department");
        }

        if (project.DepartmentId != request.DepartmentId)
        {
            await relationships.DeleteAsync(Fga.Project(projectId), "department", Fga.Department(project.DepartmentId), cancellationToken);
            relationships.Write(organizationId, Fga.Project(projectId), "department", Fga.Department(request.DepartmentId));
            project.DepartmentId = request.DepartmentId;
            await db.SaveChangesAsync(cancellationToken);
        }

        return await WithProgressAsync(ToSummary(project), cancellationToken);
    }

    /// <summary>Deletes the project with its checklist and history (database cascade) and every tuple about it.</summary>
    public async Task DeleteAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_delete", Fga.Project(projectId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(What);
        await relationships.DeleteAllAboutAsync(Fga.Project(projectId), cancellationToken);
        db.Projects.Remove(project);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The tuples of a new project: its organization, department, lead and, for a project that starts archived (one
    /// imported from an archive), the archived flag. Shared by create and import, so both grant exactly the same.
    /// </summary>
    internal static void WriteNewProjectTuples(RelationshipWriter relationships, Project project)
    {
        var organizationId = project.OrganizationId;
        relationships.Write(organizationId, Fga.Project(project.Id), "organization", Fga.Organization(organizationId));
        relationships.Write(organizationId, Fga.Project(project.Id), "department", Fga.Department(project.DepartmentId));
        if (project.LeadUserId is { } lead)
        {
            relationships.Write(organizationId, Fga.Project(project.Id), "lead", Fga.User(lead));
        }

        if (project.Status == ProjectStatus.Archived)
        {
            relationships.Write(organizationId, Fga.Project(project.Id), "archived", AnyUser);
        }
    }

    private async Task<ProjectDetails> WithProgressAsync(ProjectSummary project, CancellationToken cancellationToken)
    {
        var rows = await ProgressCounts.ByCategoryAsync(db.ChecklistItems.Where(i => i.ProjectId == project.Id), cancellationToken);
        return new ProjectDetails(project, ProgressCounts.Overall(rows), ProgressCounts.Categories(rows));
    }

    /// <summary>A lead must belong to the organization (the tenant filter limits the lookup to it).</summary>
    private async Task EnsureMemberAsync(Guid? userId, string field, CancellationToken cancellationToken)
    {
        if (userId is { } id && !await db.Memberships.AnyAsync(m => m.UserId == id, cancellationToken))
        {
            throw new ValidationException([new ValidationFailure(field, $"'{field}' must be a member of the organization.")]);
        }
    }

    private static ProjectSummary ToSummary(Project p)
        => new(p.Id, p.DepartmentId, p.Name, p.Description, p.LeadUserId, p.TargetDate, p.Status, p.FrameworkVersionId, p.CreatedAt);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
