using System.Security.Claims;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity.Users;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Api;

/// <summary>
/// Resolves the calling user from the validated token (never from the request body) before any API
/// handler runs, and keeps a user without an organization in onboarding: every route that is not part of
/// onboarding answers 403 with a problem type saying so.
/// </summary>
internal static class ApiCaller
{
    public const string OnboardingRequiredType = "https://engineering-framework.dev/problems/onboarding-required";

    /// <summary>
    /// The caller's user id and whether they belong to any organization, in one statement. The caller's own
    /// memberships are looked up across organizations (the tenant filter is bypassed by the user's id, as
    /// <see cref="TenantFilter.BypassTenantFilter{T}"/> does), since no organization is established yet.
    /// </summary>
    private static readonly PerModel<Func<AppDbContext, string, CancellationToken, Task<KnownUser?>>> FindKnownUser = new(() => EF.CompileAsyncQuery(
        (AppDbContext db, string subject, CancellationToken _) => db.Users.AsNoTracking()
            .Where(u => u.AuthSubject == subject)
            .Select(u => new KnownUser(u.Id, db.Memberships.IgnoreQueryFilters(new[] { TenantFilter.Name }).Any(m => m.UserId == u.Id), u.Email, u.EmailVerified))
            .FirstOrDefault()));

    public static Caller GetCaller(this HttpContext context)
        => context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The API caller filter did not run for this endpoint.");

    /// <summary>Resolves the caller; with <paramref name="requireMembership"/>, refuses users still in onboarding.</summary>
    public static TBuilder WithApiCaller<TBuilder>(this TBuilder builder, bool requireMembership = true)
        where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var subject = http.User.FindFirstValue("sub") ?? http.User.FindFirstValue(ClaimTypes.NameIdentifier);
            var cache = http.RequestServices.GetRequiredService<ApiCallerCache>();
            var users = http.RequestServices.GetRequiredService<AppUserProvisioner>();
            KnownUser? known = null;
            if (!string.IsNullOrEmpty(subject) && !cache.TryGet(subject, out known))
            {
                // Every known user takes the one-statement path; only a first call creates the user (who then has no membership).
                var db = http.RequestServices.GetRequiredService<AppDbContext>();
                known = await FindKnownUser.For(db)(db, subject, http.RequestAborted);
                if (known is { HasMembership: true })
                {
                    cache.Set(subject, known);
                }
            }

            // A token with another address (or verification) than the stored one: the provisioner below writes the change.
            // Comparing strings costs nothing; the write happens once per change, not per request.
            if (known is not null && !users.EmailOf(http.User).IsCurrent(known.Email, known.EmailVerified))
            {
                known = null;
            }

            if (known is null)
            {
                var db = http.RequestServices.GetRequiredService<AppDbContext>();
                var user = await users.FindOrCreateAsync(http.User, http.RequestAborted);
                if (user is null)
                {
                    return TypedResults.Unauthorized();
                }

                // The caller's own memberships, across organizations: whether they have any at all.
                known = new KnownUser(user.Id, await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == user.Id, http.RequestAborted), user.Email, user.EmailVerified);
                if (known.HasMembership)
                {
                    cache.Set(subject!, known);
                }
            }

            if (requireMembership)
            {
                if (!known.HasMembership)
                {
                    return TypedResults.Problem(
                        statusCode: StatusCodes.Status403Forbidden,
                        title: "Onboarding required",
                        detail: "Create an organization or accept an invitation first.",
                        type: OnboardingRequiredType);
                }
            }

            http.Items[typeof(Caller)] = new Caller(known.UserId, Surface.Api, http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? Truncate(agent, 200) : null);
            return await next(context);
        });

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>Who the token's subject is, whether they belong to any organization yet, and their stored address.</summary>
    internal sealed record KnownUser(Guid UserId, bool HasMembership, string Email, bool EmailVerified);
}

/// <summary>
/// The API caller by token subject, kept only once they belong to an organization: a user still in onboarding is looked
/// up on every call, so joining takes effect at once on every instance. Leaving an organization forgets the user here at
/// once (the membership tuple names them); on another instance a user who left every organization may skip the
/// onboarding answer for up to <see cref="CallerCache{T}.Lifetime"/>, and is refused by every permission check meanwhile.
/// </summary>
internal sealed class ApiCallerCache(TimeProvider time) : CallerCache<ApiCaller.KnownUser>(time, known => known.UserId, forgetAllOnSharedChanges: false);
