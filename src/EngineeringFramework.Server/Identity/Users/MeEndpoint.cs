using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> GetAsync(HttpContext context, AppUserProvisioner users, AppDbContext db, CancellationToken cancellationToken)
    {
        var user = await users.FindOrCreateAsync(context.User, cancellationToken);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        // Memberships are tenant-filtered, and this request acts in no organization yet: it asks for the
        // caller's own memberships across all organizations, scoped by the caller's user id instead.
        var memberships = await db.Memberships.BypassTenantFilter()
            .Where(m => m.UserId == user.Id)
            .OrderBy(m => m.Organization!.Name)
            .Select(m => new MembershipResponse(m.OrganizationId, m.Organization!.Name, m.Organization.Slug, m.Role.ToString()))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.DisplayName, memberships));
    }

    internal sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<MembershipResponse> Memberships);

    internal sealed record MembershipResponse(Guid OrganizationId, string OrganizationName, string OrganizationSlug, string Role);
}
