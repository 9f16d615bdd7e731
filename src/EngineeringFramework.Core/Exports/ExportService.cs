using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// Exports: a project's checklist as one Markdown document or as CSV, and the organization's progress report as CSV.
/// Each reads exactly what the matching read use case would show the caller, under the same permission.
/// </summary>
public sealed class ExportService(AppDbContext db, TenantContext tenant, Authorizer authorizer, ChecklistStructures structures, TimeProvider time)
{
    private const string ProjectWhat = "Project";
    private const string OrganizationWhat = "Organization";

    /// <summary>Whoever may read the checklist may export it (<c>can_view</c> on the project); a project they may not read is not found.</summary>
    public async Task<ExportFile> ExportChecklistAsync(Caller caller, Guid organizationId, Guid projectId, ExportChecklistRequest request, CancellationToken cancellationToken)
    {
        await new ExportChecklistValidator().ValidateAndThrowAsync(request, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var now = time.GetUtcNow();
        var checklist = await ChecklistReader.ReadAsync(db, structures, projectId, ChecklistFilter.None, now.UtcDateTime, cancellationToken)
            ?? throw new NotFoundException(ProjectWhat);
        var project = await db.Projects.AsNoTracking()
            .Where(p => p.Id == projectId)
            .Select(p => new { p.LeadUserId, p.TargetDate, Department = db.Departments.Where(d => d.Id == p.DepartmentId).Select(d => d.Name).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException(ProjectWhat);

        var people = checklist.AllItems()
            .Select(i => i.AssigneeUserId).Append(project.LeadUserId)
            .OfType<Guid>().Distinct().ToList();
        var names = await PeopleAsync(people, cancellationToken);
        var (overall, categories) = ChecklistExport.ProgressOf(checklist);
        var export = new ChecklistExport(
            checklist, project.Department, project.LeadUserId is { } lead ? names.GetValueOrDefault(lead, ChecklistExport.FormerMember) : null,
            project.TargetDate, now, overall, categories, names);

        var ascii = ExportFileNames.Ascii(checklist.ProjectName, "project") + "-checklist";
        var display = ExportFileNames.Display(checklist.ProjectName, "project") + " checklist";
        return request.Format == ExportFormat.Csv
            ? new ExportFile(ChecklistCsv.Write(export), ExportFormats.CsvMediaType, ascii + ".csv", display + ".csv")
            : new ExportFile(ChecklistMarkdown.Write(export), ExportFormats.MarkdownMediaType, ascii + ".md", display + ".md");
    }

    /// <summary>
    /// Every project of the organization with its progress per category and overall, counted as
    /// <see cref="ProjectService"/> counts it; any member may read it (<c>can_view</c> on the organization), as any
    /// member may list the projects and read each one's progress.
    /// </summary>
    public async Task<ExportFile> ExportOrganizationReportAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", OrganizationWhat, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Name).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(OrganizationWhat);
        var projects = await db.Projects.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.Status, Department = db.Departments.Where(d => d.Id == p.DepartmentId).Select(d => d.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var byProject = (await ProgressCounts.ByCategoryAsync(db.ChecklistItems, cancellationToken)).ToLookup(c => c.ProjectId);

        // Sorted here, ordinally, rather than by the database, whose collation differs between SQLite and PostgreSQL.
        var rows = projects
            .OrderBy(p => p.Department, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id)
            .Select(p => new ReportProject(
                p.Department ?? string.Empty, p.Name, p.Status, ProgressCounts.Overall(byProject[p.Id]), ProgressCounts.Categories(byProject[p.Id])));

        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new ExportFile(
            OrganizationReportCsv.Write(rows),
            ExportFormats.CsvMediaType,
            $"{ExportFileNames.Ascii(organization, "organization")}-report-{stamp}.csv",
            $"{ExportFileNames.Display(organization, "organization")} report {stamp}.csv");
    }

    /// <summary>How the organization's members are named in exports: display name, else email (the tenant filter keeps it to this organization).</summary>
    private async Task<Dictionary<Guid, string>> PeopleAsync(List<Guid> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        var members = await db.Memberships.AsNoTracking()
            .Where(m => userIds.Contains(m.UserId))
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.Email })
            .ToListAsync(cancellationToken);
        return members.ToDictionary(m => m.UserId, m => string.IsNullOrWhiteSpace(m.DisplayName) ? m.Email : m.DisplayName);
    }
}
