using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Departments;

/// <summary>Department use cases: validate, authorize through the relationship model, then touch tenant-scoped data.</summary>
public sealed class DepartmentService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time)
{
    private const string What = "Department";

    public async Task<DepartmentSummary> CreateAsync(Caller caller, Guid organizationId, CreateDepartmentRequest request, CancellationToken cancellationToken)
    {
        await new CreateDepartmentValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage_departments", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var department = new Department
        {
            OrganizationId = organizationId,
            Name = request.Name.Trim(),
            Description = Clean(request.Description),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Departments.Add(department);
        WriteNewDepartmentTuples(relationships, department);
        await db.SaveChangesAsync(cancellationToken);
        return new DepartmentSummary(department.Id, department.Name, department.Description, 0, department.CreatedAt);
    }

    /// <summary>Departments by name, then id; keyset pagination so pages stay stable while others write.</summary>
    public async Task<DepartmentPage> ListAsync(Caller caller, Guid organizationId, ListDepartmentsRequest request, CancellationToken cancellationToken)
    {
        await new ListDepartmentsValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var query = db.Departments.AsNoTracking();
        if (request.Cursor is not null && DepartmentCursor.TryDecode(request.Cursor, out var after))
        {
            query = query.Where(d => d.Name.CompareTo(after!.Name) > 0 || (d.Name == after.Name && d.Id.CompareTo(after.Id) > 0));
        }

        var rows = await Summaries(query.OrderBy(d => d.Name).ThenBy(d => d.Id)).Take(request.Limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(request.Limit).ToList();
        var next = rows.Count > request.Limit ? new DepartmentCursor(items[^1].Name, items[^1].Id).Encode() : null;
        return new DepartmentPage(items, next);
    }

    public async Task<DepartmentSummary> GetAsync(Caller caller, Guid organizationId, Guid departmentId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Department(departmentId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        return await Summaries(db.Departments.AsNoTracking().Where(d => d.Id == departmentId)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(What);
    }

    /// <summary>Renames and (re)describes the department.</summary>
    public async Task<DepartmentSummary> UpdateAsync(Caller caller, Guid organizationId, Guid departmentId, UpdateDepartmentRequest request, CancellationToken cancellationToken)
    {
        await new UpdateDepartmentValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage", Fga.Department(departmentId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == departmentId, cancellationToken) ?? throw new NotFoundException(What);
        department.Name = request.Name.Trim();
        department.Description = Clean(request.Description);
        await db.SaveChangesAsync(cancellationToken);
        return await Summaries(db.Departments.AsNoTracking().Where(d => d.Id == departmentId)).SingleAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the department and its relationship tuples. Its projects are refused, moved or deleted as the
    /// caller chose explicitly: the schema never cascades a department delete into projects.
    /// </summary>
    public async Task DeleteAsync(Caller caller, Guid organizationId, Guid departmentId, DeleteDepartmentRequest request, CancellationToken cancellationToken)
    {
        await new DeleteDepartmentValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage", Fga.Department(departmentId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == departmentId, cancellationToken) ?? throw new NotFoundException(What);
        var projects = await db.Projects.Where(p => p.DepartmentId == departmentId).ToListAsync(cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        switch (request.Projects)
        {
            case ProjectsOnDelete.Refuse when projects.Count > 0:
                throw new ConflictException($"The department still has {projects.Count} project(s); move them to another department or delete them explicitly.");
            case ProjectsOnDelete.MoveTo:
                var target = request.MoveToDepartmentId!.Value;
                // The tenant filter limits the lookup to this organization, so a department of another one is refused.
                if (target == departmentId || !await db.Departments.AnyAsync(d => d.Id == target, cancellationToken))
                {
                    throw new ValidationException([new ValidationFailure(nameof(DeleteDepartmentRequest.MoveToDepartmentId), "'MoveToDepartmentId' must name another department of this organization.")]);
                }

                foreach (var project in projects)
                {
                    project.DepartmentId = target;
                    relationships.Write(organizationId, Fga.Project(project.Id), "department", Fga.Department(target));
                }

                break;
            case ProjectsOnDelete.DeleteProjects:
                foreach (var project in projects)
                {
                    await relationships.DeleteAllAboutAsync(Fga.Project(project.Id), cancellationToken);
                }

                db.Projects.RemoveRange(projects);
                break;
        }

        // Saved before the department's own tuples are read, so no tuple (e.g. project#department) is recorded
        // as deleted twice; the transaction keeps the whole delete atomic.
        await db.SaveChangesAsync(cancellationToken);
        await relationships.DeleteAllAboutAsync(Fga.Department(departmentId), cancellationToken);
        db.Departments.Remove(department);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The tuples of a new department (shared with import from an archive).</summary>
    internal static void WriteNewDepartmentTuples(RelationshipWriter relationships, Department department)
        => relationships.Write(department.OrganizationId, Fga.Department(department.Id), "organization", Fga.Organization(department.OrganizationId));

    private IQueryable<DepartmentSummary> Summaries(IQueryable<Department> departments)
        => departments.Select(d => new DepartmentSummary(d.Id, d.Name, d.Description, db.Projects.Count(p => p.DepartmentId == d.Id), d.CreatedAt));

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
