using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Frameworks.Versions;

/// <summary>Whose framework a version belongs to.</summary>
public enum FrameworkScope
{
    /// <summary>The instance's system framework: built-in, or edited or imported by super-admins.</summary>
    System,

    /// <summary>The organization's own framework (synced from GitHub, or brought in with an organization archive).</summary>
    Organization,
}

/// <summary>Where a version's content came from.</summary>
public enum FrameworkSourceKind
{
    /// <summary>The framework shipped with this release.</summary>
    Builtin,

    /// <summary>An archive a super-admin imported, or an organization archive brought in.</summary>
    Import,

    /// <summary>A super-admin's edit of the system framework.</summary>
    Edit,

    /// <summary>A commit of the organization's GitHub repository.</summary>
    GitHub,
}

/// <param name="Number">1 for a scope's first version, counting up in the order they were imported; the system and each organization count separately.</param>
/// <param name="IsEffective">The version the organization's new projects copy (its own current version, or else the system's).</param>
/// <param name="ProjectCount">The organization's projects whose checklist is at this version.</param>
public sealed record FrameworkVersionSummary(
    Guid Id,
    FrameworkScope Scope,
    int Number,
    FrameworkSourceKind Source,
    string? CommitSha,
    string? SourceUrl,
    DateTime ImportedAt,
    Guid? ImportedByUserId,
    string? ImportedByName,
    bool IsCurrent,
    bool IsEffective,
    int CategoryCount,
    int SubcategoryCount,
    int ItemCount,
    int TemplateCount,
    int ProjectCount,
    string ContentHash);

public sealed record FrameworkComparison(FrameworkVersionSummary From, FrameworkVersionSummary To, FrameworkDiff Diff);

/// <summary>
/// The framework versions an organization can see (the system's and its own), and the difference between any two.
/// Members of the organization may read them.
/// </summary>
public sealed class FrameworkVersionService(AppDbContext db, TenantContext tenant, Authorizer authorizer, FrameworkDiffs diffs)
{
    private const string VersionWhat = "Framework version";

    /// <summary>Newest first: the organization's own versions and the system's.</summary>
    public async Task<IReadOnlyList<FrameworkVersionSummary>> ListAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnterAsync(caller, organizationId, cancellationToken);
        return await SummariesAsync(organizationId, cancellationToken);
    }

    public async Task<FrameworkVersionSummary> GetAsync(Caller caller, Guid organizationId, Guid versionId, CancellationToken cancellationToken)
    {
        await EnterAsync(caller, organizationId, cancellationToken);
        return (await SummariesAsync(organizationId, cancellationToken)).SingleOrDefault(v => v.Id == versionId) ?? throw new NotFoundException(VersionWhat);
    }

    /// <summary>What changed from <paramref name="fromVersionId"/> to <paramref name="toVersionId"/> (any two visible versions, either way round).</summary>
    public async Task<FrameworkComparison> CompareAsync(Caller caller, Guid organizationId, Guid fromVersionId, Guid toVersionId, CancellationToken cancellationToken)
    {
        await EnterAsync(caller, organizationId, cancellationToken);
        var summaries = await SummariesAsync(organizationId, cancellationToken);
        var from = summaries.SingleOrDefault(v => v.Id == fromVersionId) ?? throw new NotFoundException($"{VersionWhat} to compare from");
        var to = summaries.SingleOrDefault(v => v.Id == toVersionId) ?? throw new NotFoundException($"{VersionWhat} to compare to");
        // Both were found among the versions this organization can see, so the kept diff may be handed out.
        var diff = await diffs.GetAsync(db, from.Id, to.Id, cancellationToken) ?? throw new NotFoundException(VersionWhat);
        return new FrameworkComparison(from, to, diff);
    }

    private async Task EnterAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
    }

    /// <summary>Every visible version, numbered within its scope; the tenant filter limits them to the system's and the organization's.</summary>
    internal async Task<List<FrameworkVersionSummary>> SummariesAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var versions = await db.FrameworkVersions.AsNoTracking()
            .Select(v => new
            {
                Version = v,
                ImportedByName = db.Users.Where(u => u.Id == v.ImportedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var projects = await db.Projects.AsNoTracking()
            .Where(p => p.FrameworkVersionId != null)
            .GroupBy(p => p.FrameworkVersionId)
            .Select(g => new { VersionId = g.Key!.Value, Count = g.Count() })
            .ToDictionaryAsync(g => g.VersionId, g => g.Count, cancellationToken);
        var effective = versions.Select(v => v.Version).Where(v => v.IsCurrent).OrderBy(v => v.OrganizationId is null ? 1 : 0).FirstOrDefault()?.Id;

        return [.. versions
            .GroupBy(v => v.Version.OrganizationId)
            .SelectMany(scope => scope
                .OrderBy(v => v.Version.ImportedAt).ThenBy(v => v.Version.Id)
                .Select((v, index) => Summarize(v.Version, index + 1, v.ImportedByName, v.Version.Id == effective, projects.GetValueOrDefault(v.Version.Id))))
            .OrderByDescending(v => v.ImportedAt).ThenByDescending(v => v.Id)];
    }

    private static FrameworkVersionSummary Summarize(FrameworkVersion v, int number, string? importedByName, bool effective, int projectCount)
    {
        var (kind, sha) = v.Source switch
        {
            SystemFrameworkSeeder.BuiltinSource => (FrameworkSourceKind.Builtin, null),
            SystemFrameworkService.EditSource => (FrameworkSourceKind.Edit, null),
            _ when v.Source.StartsWith(GitHubSourcePrefix, StringComparison.Ordinal) => (FrameworkSourceKind.GitHub, v.Source[GitHubSourcePrefix.Length..]),
            _ => (FrameworkSourceKind.Import, (string?)null),
        };
        return new FrameworkVersionSummary(
            v.Id, v.OrganizationId is null ? FrameworkScope.System : FrameworkScope.Organization, number, kind, sha, v.SourceUrl, v.ImportedAt,
            v.ImportedByUserId, importedByName, v.IsCurrent, effective, v.CategoryCount, v.SubcategoryCount, v.ItemCount, v.TemplateCount, projectCount, v.ContentHash);
    }

    internal const string GitHubSourcePrefix = "github:";
}
