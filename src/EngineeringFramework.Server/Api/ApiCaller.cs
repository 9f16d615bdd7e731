using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity.Users;

namespace EngineeringFramework.Server.Api;

/// <summary>
/// Resolves the calling user from the validated token (never from the request body) through Core's
/// <see cref="CurrentCaller"/> before any API handler runs, and keeps a user without an organization in onboarding:
/// every route that is not part of onboarding answers 403 with a problem type saying so.
/// </summary>
internal static class ApiCaller
{
    public const string OnboardingRequiredType = "https://engineering-framework.dev/problems/onboarding-required";

    public static Caller GetCaller(this HttpContext context)
        => context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The API caller filter did not run for this endpoint.");

    /// <summary>Resolves the caller; with <paramref name="requireMembership"/>, refuses users still in onboarding.</summary>
    public static TBuilder WithApiCaller<TBuilder>(this TBuilder builder, bool requireMembership = true)
        where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var identity = http.RequestServices.GetRequiredService<SignInClaims>().Read(http.User);
            var known = await http.RequestServices.GetRequiredService<CurrentCaller>().ResolveAsync(identity, http.RequestAborted);
            if (known is null)
            {
                return TypedResults.Unauthorized();
            }

            if (requireMembership && !known.HasMembership)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Onboarding required",
                    detail: "Create an organization or accept an invitation first.",
                    type: OnboardingRequiredType);
            }

            http.Items[typeof(Caller)] = known.As(Surface.Api, http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? Truncate(agent, 200) : null);
            return await next(context);
        });

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
