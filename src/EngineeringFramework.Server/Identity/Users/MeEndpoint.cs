using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Identity.Users;

/// <summary><c>GET /api/v1/me</c>: who the token says the caller is, and the organizations they belong to.</summary>
internal static class MeEndpoint
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/me", GetAsync)
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithName("GetMe")
            .WithSummary("The calling user and their organization memberships.");
        return endpoints;
    }

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> GetAsync(HttpContext context, SignInClaims claims, CurrentCaller current, OrganizationService organizations, CancellationToken cancellationToken)
    {
        var user = await current.ResolveAsync(claims.Read(context.User), cancellationToken);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        // The caller's own memberships, across organizations: this request acts in no organization yet.
        var mine = await organizations.ListMineAsync(user.As(Surface.Api), cancellationToken);
        return TypedResults.Ok(new MeResponse(user.UserId, user.Email, user.DisplayName, [.. mine.Select(m => new MembershipResponse(m.Id, m.Name, m.Slug, m.Role?.ToString() ?? string.Empty))]));
    }

    internal sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<MembershipResponse> Memberships);

    internal sealed record MembershipResponse(Guid OrganizationId, string OrganizationName, string OrganizationSlug, string Role);
}
