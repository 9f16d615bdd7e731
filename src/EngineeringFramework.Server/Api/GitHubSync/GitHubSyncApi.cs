using EngineeringFramework.Core.GitHubSync;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.GitHubSync;

/// <summary>
/// <c>/api/v1/organizations/{orgId}/github-sync</c>: the organization's framework repository (admins; changes
/// need the Pro or Enterprise plan). The token is write-only: no route ever returns it.
/// </summary>
internal static class GitHubSyncApi
{
    public static IEndpointRouteBuilder MapGitHubSyncApi(this IEndpointRouteBuilder endpoints)
    {
        var sync = endpoints.MapOrganizationGroup("/github-sync", "GitHubSync");
        sync.MapGet("/", GetAsync).WithName("GetGitHubSync")
            .WithSummary("The connection (owner, repository, branch, whether a token is stored), the plan's eligibility, the last synced commit and recent syncs (admins).");
        sync.MapPut("/", ConfigureAsync).WithName("ConfigureGitHubSync")
            .WithSummary("Connect or change the repository. The token (new, or the stored one when omitted) is checked with GitHub for that repository and branch before anything is saved; 400 names the field to fix. The stored token may be omitted only when owner, repository and branch stay the same: changing any of them without a token is a 400 naming token (admins, Pro/Enterprise).")
            .ProducesValidationProblem();
        sync.MapDelete("/", DisconnectAsync).WithName("DisconnectGitHubSync")
            .WithSummary("Remove the connection: token, webhook secret and queued syncs; new projects use the built-in framework again (admins).");
        sync.MapDelete("/token", RemoveTokenAsync).WithName("RemoveGitHubToken")
            .WithSummary("Erase the stored token; syncs fail until a new one is entered (admins).");
        sync.MapGet("/webhook", GetWebhookAsync).WithName("GetGitHubWebhook")
            .WithSummary("The webhook payload URL and secret to paste into the repository's webhook settings (admins, Pro/Enterprise).");
        sync.MapPost("/webhook/secret", RegenerateWebhookSecretAsync).WithName("RegenerateGitHubWebhookSecret")
            .WithSummary("Replace the webhook secret with a new random one; deliveries signed with the old one are refused (admins, Pro/Enterprise).");
        sync.MapPost("/sync", SyncAsync).WithName("SyncGitHubFramework")
            .WithSummary("Sync now: queue a sync of the branch head (or return the sync already waiting); follow Location for its outcome (admins, Pro/Enterprise).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        sync.MapGet("/jobs", ListJobsAsync).WithName("ListGitHubSyncJobs")
            .WithSummary("Recent syncs, newest first: status, commit, counts, errors (admins).")
            .ProducesValidationProblem();
        sync.MapGet("/jobs/{jobId:guid}", GetJobAsync).WithName("GetGitHubSyncJob")
            .WithSummary("One sync: status, commit, counts, GitHub requests used, validation errors (admins).");
        endpoints.MapFrameworkCheckApi();
        return endpoints;
    }

    private static async Task<Ok<GitHubSyncView>> GetAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
        => TypedResults.Ok(await sync.GetAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<GitHubSyncView>> ConfigureAsync(Guid orgId, ConfigureGitHubSyncRequest request, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
        => TypedResults.Ok(await sync.ConfigureAsync(context.GetCaller(), orgId, request, cancellationToken));

    private static async Task<NoContent> DisconnectAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
    {
        await sync.DisconnectAsync(context.GetCaller(), orgId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<GitHubSyncView>> RemoveTokenAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
        => TypedResults.Ok(await sync.RemoveTokenAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<GitHubWebhookView>> GetWebhookAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
    {
        // The secret is sensitive: never cached by a browser or proxy.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await sync.GetWebhookAsync(context.GetCaller(), orgId, cancellationToken));
    }

    private static async Task<Ok<GitHubWebhookView>> RegenerateWebhookSecretAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await sync.RegenerateWebhookSecretAsync(context.GetCaller(), orgId, cancellationToken));
    }

    private static async Task<Accepted<GitHubSyncJobView>> SyncAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
    {
        var job = await sync.RequestSyncAsync(context.GetCaller(), orgId, cancellationToken);
        return TypedResults.Accepted($"/api/v1/organizations/{orgId}/github-sync/jobs/{job.Id}", job);
    }

    private static async Task<Ok<IReadOnlyList<GitHubSyncJobView>>> ListJobsAsync(Guid orgId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken, int? limit = null)
        => TypedResults.Ok(await sync.ListJobsAsync(context.GetCaller(), orgId, limit ?? 20, cancellationToken));

    private static async Task<Ok<GitHubSyncJobView>> GetJobAsync(Guid orgId, Guid jobId, HttpContext context, GitHubSyncService sync, CancellationToken cancellationToken)
        => TypedResults.Ok(await sync.GetJobAsync(context.GetCaller(), orgId, jobId, cancellationToken));
}
