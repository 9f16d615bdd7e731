using EngineeringFramework.Server.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// Sign-in pages reached from the authorization endpoint post forms whose redirects can end at the OAuth client (sign-in,
/// then /connect/authorize, then the client's redirect URI with the code). Chromium enforces <c>form-action</c> on every
/// hop of that chain, so such a page must allow the client's redirect origin, and only after checking that the client
/// registered that redirect URI: the return URL is attacker-controlled input, and an unchecked origin here would widen
/// the page's policy to any site.
/// </summary>
internal static class AuthorizationReturn
{
    private const string AuthorizePath = "/" + EmbeddedAuthority.AuthorizePath;

    public static async Task AllowClientRedirectAsync(HttpContext context, string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal))
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(returnUrl[AuthorizePath.Length..]);
        if (query[Parameters.ClientId] is not { Count: 1 } clientIds || query[Parameters.RedirectUri] is not { Count: 1 } redirects
            || !Uri.TryCreate(redirects[0], UriKind.Absolute, out var redirect))
        {
            return;
        }

        // External mode has no OpenIddict and no authorization endpoint of ours.
        var applications = context.RequestServices.GetService<IOpenIddictApplicationManager>();
        var application = applications is null ? null : await applications.FindByClientIdAsync(clientIds[0]!, context.RequestAborted);
        if (application is not null && await applications!.ValidateRedirectUriAsync(application, redirects[0]!, context.RequestAborted))
        {
            context.AllowFormActionTo(redirect);
        }
    }
}
