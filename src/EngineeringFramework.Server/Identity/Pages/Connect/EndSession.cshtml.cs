using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Accounts;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace EngineeringFramework.Server.Identity.Pages.Connect;

/// <summary>
/// RP-initiated logout (OpenID Connect). A GET signs the person out only when it carries a valid <c>id_token_hint</c>
/// that this authority issued to the requesting client for the person signed in here: a bare link or image on another
/// site cannot sign anyone out. Without one, the person sees a confirmation page whose POST carries an antiforgery
/// token. A <c>post_logout_redirect_uri</c> is followed only for the client named by a valid hint (and registered by
/// it); otherwise the person lands on our home page, so the endpoint cannot be used to bounce browsers anywhere.
/// Signing out here ends the account's browser sessions, like the product's own Sign out; connected apps stay.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class EndSessionModel : AccountPageModel
{
    /// <summary>The request's parameters, posted back by the confirmation form.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PostedParameters { get; private set; } = [];

    public bool SignedIn { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal || HttpContext.GetOpenIddictServerRequest() is not { } request)
        {
            return NotFound();
        }

        if (await HintedClientAsync(request) is not null)
        {
            return await SignOutAsync(followRedirect: true);
        }

        SignedIn = (await HttpContext.AuthenticateAsync(Authentication.CookieScheme)).Succeeded;
        PostedParameters = [.. request.GetParameters()
            .Where(p => p.Key is OpenIddictConstants.Parameters.IdTokenHint or OpenIddictConstants.Parameters.ClientId or OpenIddictConstants.Parameters.PostLogoutRedirectUri or OpenIddictConstants.Parameters.State)
            .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value ?? string.Empty))];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal || HttpContext.GetOpenIddictServerRequest() is not { } request)
        {
            return NotFound();
        }

        return await SignOutAsync(followRedirect: await HintedClientAsync(request) is not null);
    }

    private async Task<IActionResult> SignOutAsync(bool followRedirect)
    {
        await LocalAccounts.EndBrowserSessionsAsync(HttpContext, Service<UserManager<IdentityUser>>(), Service<SignInManager<IdentityUser>>());

        // OpenIddict sends the browser to the post_logout_redirect_uri it validated for the client (with the state);
        // without a valid hint, home.
        return followRedirect
            ? SignOut(new AuthenticationProperties { RedirectUri = "/" }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
            : LocalRedirect("/");
    }

    /// <summary>
    /// The client a valid <c>id_token_hint</c> was issued to, when it is the requesting client (if one is named) and the
    /// hint's subject is the person signed in here (or nobody is); otherwise null.
    /// </summary>
    private async Task<string?> HintedClientAsync(OpenIddictRequest request)
    {
        if (string.IsNullOrEmpty(request.IdTokenHint))
        {
            return null;
        }

        // OpenIddict has already refused a hint it did not issue; what it validated is here.
        var hint = await HttpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (hint.Principal is not { } principal)
        {
            return null;
        }

        var audiences = principal.GetAudiences();
        var client = audiences.Length == 1 ? audiences[0] : null;
        if (client is null || (request.ClientId is { Length: > 0 } named && named != client))
        {
            return null;
        }

        var session = await HttpContext.AuthenticateAsync(Authentication.CookieScheme);
        if (session.Succeeded && Service<UserManager<IdentityUser>>().GetUserId(session.Principal!) != principal.GetClaim(OpenIddictConstants.Claims.Subject))
        {
            return null;
        }

        return client;
    }
}
