using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>One check in a list: what was checked, what it found, whether GitHub was told.</summary>
public sealed record FrameworkCheckSummary(
    Guid Id,
    string CommitSha,
    string? Branch,
    int? PullRequestNumber,
    FrameworkCheckState State,
    DateTime RequestedAt,
    DateTime? CheckedAt,
    string? Message,
    int ErrorCount,
    int? ItemsAdded,
    int? ItemsRemoved,
    int? ItemsChanged,
    int? ProjectsAffected,
    string? StatusState,
    string? StatusProblem)
{
    internal static FrameworkCheckSummary From(FrameworkCheck c) => new(
        c.Id, c.CommitSha, c.Branch, c.PullRequestNumber, c.State, c.RequestedAt, c.CheckedAt, c.Message, c.ErrorCount,
        c.ItemsAdded, c.ItemsRemoved, c.ItemsChanged, c.ProjectsAffected, c.StatusState, c.StatusProblem);
}

/// <summary>A whole check, for its page: the errors with their locations, or the diff against the framework it was compared with.</summary>
/// <param name="CommitUrl">The commit on GitHub, when the organization is still connected to the repository.</param>
/// <param name="BaseVersionId">The framework version the commit was compared with (the organization's effective one when it was pushed).</param>
public sealed record FrameworkCheckView(
    FrameworkCheckSummary Check,
    Uri? CommitUrl,
    Guid? BaseVersionId,
    int? ItemCount,
    IReadOnlyList<GitHubSyncError> Errors,
    string? StatusDescription,
    DateTime? StatusPostedAt,
    FrameworkDiff? Diff);

/// <summary>Checks of pushed commits, for the organization's members (<c>can_view</c>): each is what a link from GitHub opens.</summary>
public sealed class FrameworkCheckService(AppDbContext db, TenantContext tenant, Authorizer authorizer, GitHubSyncOptions options)
{
    internal static readonly JsonSerializerOptions DiffJson = new(JsonSerializerDefaults.Web);

    public async Task<FrameworkCheckView> GetAsync(Caller caller, Guid organizationId, Guid checkId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var check = await db.FrameworkChecks.AsNoTracking().SingleOrDefaultAsync(c => c.Id == checkId, cancellationToken) ?? throw new NotFoundException("Framework check");
        var settings = await db.GitHubSyncSettings.AsNoTracking().Select(s => new { s.Owner, s.Repository }).SingleOrDefaultAsync(cancellationToken);
        var diff = check.DiffJson is { } json ? JsonSerializer.Deserialize<FrameworkDiff>(json, DiffJson) : null;
        return new FrameworkCheckView(
            FrameworkCheckSummary.From(check),
            settings is null ? null : options.CommitPage(settings.Owner, settings.Repository, check.CommitSha),
            check.BaseVersionId,
            check.ItemCount,
            check.Errors,
            check.StatusDescription,
            check.StatusPostedAt,
            diff);
    }

    /// <summary>Newest first, for members.</summary>
    public async Task<IReadOnlyList<FrameworkCheckSummary>> ListAsync(Caller caller, Guid organizationId, int limit, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        return await RecentAsync(db, Math.Clamp(limit, 1, 100), cancellationToken);
    }

    /// <summary>The current tenant's most recent checks (the caller is already authorized).</summary>
    internal static async Task<IReadOnlyList<FrameworkCheckSummary>> RecentAsync(AppDbContext db, int count, CancellationToken cancellationToken)
    {
        var checks = await db.FrameworkChecks.AsNoTracking().OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id)
            .Take(count).ToListAsync(cancellationToken);
        return checks.ConvertAll(FrameworkCheckSummary.From);
    }
}

/// <summary>The public address of a check's page, which a commit status links to (the server knows its PUBLIC_URL).</summary>
public sealed class FrameworkCheckAddress(Uri publicUrl)
{
    public Uri For(Guid organizationId, Guid checkId)
        => new($"{publicUrl.AbsoluteUri.TrimEnd('/')}/orgs/{organizationId:D}/framework/checks/{checkId:D}");
}
