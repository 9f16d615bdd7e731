using System.Globalization;
using System.Security.Claims;
using EngineeringFramework.Server.Hosting;
using Microsoft.AspNetCore.Authentication;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// External mode's sign-in, minus the trip to the provider: what the OIDC handler does when the provider's answer comes
/// back to <c>/signin-oidc</c>, namely sign the session cookie in with the ID token's claims (<c>sub</c>, <c>email</c> and
/// <c>auth_time</c>, names kept as the handler keeps them). The app's own cookie events run as they would then.
/// Test-only; no production host maps it.
/// </summary>
internal sealed class ExternalSessionEndpoints : IEndpointContributor
{
    public const string Path = "/test/external-sign-in";

    public static void AddTo(WebApplicationBuilder builder) => builder.Services.AddSingleton<IEndpointContributor, ExternalSessionEndpoints>();

    public static string For(string subject, string email, DateTimeOffset authenticatedAt)
        => $"{Path}?sub={Uri.EscapeDataString(subject)}&email={Uri.EscapeDataString(email)}&authTime={authenticatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    public void Map(IEndpointRouteBuilder endpoints)
        => endpoints.MapGet(Path, async (HttpContext context, string sub, string email, long authTime) =>
        {
            var identity = new ClaimsIdentity(
                [new Claim("sub", sub), new Claim("email", email), new Claim("auth_time", authTime.ToString(CultureInfo.InvariantCulture))],
                "test-provider",
                "email",
                "role");
            await context.SignInAsync(Authentication.CookieScheme, new ClaimsPrincipal(identity));
            return Results.Redirect("/");
        }).AllowAnonymous();
}
