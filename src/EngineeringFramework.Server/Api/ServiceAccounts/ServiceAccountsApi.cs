using EngineeringFramework.Core.ServiceAccounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.ServiceAccounts;

/// <summary>
/// <c>/api/v1/organizations/{orgId}/service-accounts</c>: automation's own accounts and their tokens (admins). A token is
/// sent as <c>Authorization: Bearer efsa_…</c> to the REST API and the MCP server alike.
/// </summary>
internal static class ServiceAccountsApi
{
    public static IEndpointRouteBuilder MapServiceAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var accounts = endpoints.MapOrganizationGroup("/service-accounts", "Service accounts");
        accounts.MapGet("/", ListAsync).WithName("ListServiceAccounts")
            .WithSummary("The organization's service accounts with their tokens (never a token's secret), by name (admins).");
        accounts.MapPost("/", CreateAsync).WithName("CreateServiceAccount")
            .WithSummary("Create a service account: a name, an optional role template whose permissions it holds (none: read only), and an expiry at most 366 days ahead (admins). It acts as an agent under the organization's sign-off policy.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapGet("/{serviceAccountId:guid}", GetAsync).WithName("GetServiceAccount")
            .WithSummary("One service account with its tokens (admins).");
        accounts.MapPut("/{serviceAccountId:guid}", UpdateAsync).WithName("UpdateServiceAccount")
            .WithSummary("Replace a service account's name, description, role template and expiry (admins).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapDelete("/{serviceAccountId:guid}", DeleteAsync).WithName("DeleteServiceAccount")
            .WithSummary("Delete a service account, its tokens and its permissions; the history it wrote keeps its name (admins).");
        accounts.MapPost("/{serviceAccountId:guid}/tokens", CreateTokenAsync).WithName("CreateServiceAccountToken")
            .WithSummary("Make a token for the account. The answer's secret is shown this once and never again: only its hash is kept (admins).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapPost("/{serviceAccountId:guid}/tokens/{tokenId:guid}/revoke", RevokeTokenAsync).WithName("RevokeServiceAccountToken")
            .WithSummary("Revoke a token: refused from the next request on; revoking twice changes nothing (admins).");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<ServiceAccountView>>> ListAsync(Guid orgId, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
        => TypedResults.Ok(await accounts.ListAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Created<ServiceAccountView>> CreateAsync(Guid orgId, ServiceAccountRequest request, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
    {
        var created = await accounts.CreateAsync(context.GetCaller(), orgId, request, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/service-accounts/{created.Id}", created);
    }

    private static async Task<Ok<ServiceAccountView>> GetAsync(Guid orgId, Guid serviceAccountId, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
        => TypedResults.Ok(await accounts.GetAsync(context.GetCaller(), orgId, serviceAccountId, cancellationToken));

    private static async Task<Ok<ServiceAccountView>> UpdateAsync(Guid orgId, Guid serviceAccountId, ServiceAccountRequest request, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
        => TypedResults.Ok(await accounts.UpdateAsync(context.GetCaller(), orgId, serviceAccountId, request, cancellationToken));

    private static async Task<NoContent> DeleteAsync(Guid orgId, Guid serviceAccountId, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
    {
        await accounts.DeleteAsync(context.GetCaller(), orgId, serviceAccountId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Created<CreatedServiceAccountToken>> CreateTokenAsync(Guid orgId, Guid serviceAccountId, CreateServiceAccountTokenRequest request, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
    {
        var created = await accounts.CreateTokenAsync(context.GetCaller(), orgId, serviceAccountId, request, cancellationToken);

        // The one answer that carries the secret: no cache may keep it.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/organizations/{orgId}/service-accounts/{serviceAccountId}", created);
    }

    private static async Task<Ok<ServiceAccountTokenView>> RevokeTokenAsync(Guid orgId, Guid serviceAccountId, Guid tokenId, HttpContext context, ServiceAccountService accounts, CancellationToken cancellationToken)
        => TypedResults.Ok(await accounts.RevokeTokenAsync(context.GetCaller(), orgId, serviceAccountId, tokenId, cancellationToken));
}
