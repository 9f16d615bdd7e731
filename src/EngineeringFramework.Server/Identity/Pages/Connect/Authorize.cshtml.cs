using System.Collections.Immutable;
using System.Security.Claims;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Authority;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Pages.Connect;

/// <summary>
/// The user-facing half of the authorization endpoint (OpenIddict has validated the request before it gets here: the
/// client exists, the redirect URI is one it registered, PKCE S256 is present). A code is issued only under a stored
/// approval by the signed-in person for this client, resource and scopes, or a fresh one given on this page: every
/// OAuth client is a third party (the web app itself signs in with its session, not through OAuth), so a link from a
/// self-registered client can never take a code from a signed-in browser without the person seeing who asks and for
/// what. The decision is a POST carrying an antiforgery token bound to the signed-in person.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class AuthorizeModel : AccountPageModel
{
    public const string DecisionField = "decision";
    public const string Approve = "approve";
    public const string Deny = "deny";

    /// <summary>What the page shows about the request; set only when the page is shown.</summary>
    public ConsentRequest? Consent { get; private set; }

    /// <summary>The authorization request's parameters, posted back with the decision.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PostedParameters { get; private set; } = [];

    public Task<IActionResult> OnGetAsync() => HandleAsync(decision: null);

    public Task<IActionResult> OnPostAsync() => HandleAsync(Request.Form[DecisionField].ToString());

    private async Task<IActionResult> HandleAsync(string? decision)
    {
        // External mode has no authority; an embedded request that did not pass through OpenIddict cannot be answered.
        if (IsExternal || HttpContext.GetOpenIddictServerRequest() is not { } request)
        {
            return NotFound();
        }

        var cancellationToken = HttpContext.RequestAborted;
        var resources = request.GetResources();
        if (resources.Length > 1)
        {
            // One token, one audience: a token good for both the REST API and the MCP server would let either replay it.
            return Refuse(Errors.InvalidTarget, "Name exactly one resource: the REST API or the MCP server.");
        }

        var resource = resources.IsEmpty ? Service<Audiences>().Api : resources[0];
        var users = Service<UserManager<IdentityUser>>();
        var session = await HttpContext.AuthenticateAsync(Authentication.CookieScheme);
        var user = session.Succeeded ? await users.GetUserAsync(session.Principal!) : null;
        if (user is null || await users.IsLockedOutAsync(user) || (decision is null && request.HasPromptValue(PromptValues.Login)))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            return Redirect(SessionCookie.SignInPath + QueryString.Create("returnUrl", ReturnUrl(request)));
        }

        var applications = Service<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict validated a client that does not exist.");
        var applicationId = (await applications.GetIdAsync(application, cancellationToken))!;
        var scopes = request.GetScopes();
        var consents = Service<Consents>();
        var approved = await consents.FindAsync(user.Id, applicationId, resource, scopes, cancellationToken);

        switch (decision)
        {
            case Deny:
                return Refuse(Errors.AccessDenied, "The user denied the request.");
            case Approve:
                approved ??= await consents.ApproveAsync(user.Id, applicationId, resource, scopes, cancellationToken);
                return Issue(user, scopes, resource, approved);
            case null when approved is not null && !request.HasPromptValue(PromptValues.Consent):
                return Issue(user, scopes, resource, approved);
            case null when request.HasPromptValue(PromptValues.None):
                return Refuse(Errors.ConsentRequired, "The user has not approved this application.");
        }

        // The page's form ends at the client (with a code, or with access_denied): its redirect origin, registered and
        // checked by OpenIddict, is the one origin this response's form-action allows besides our own.
        HttpContext.AllowFormActionTo(new Uri(request.RedirectUri!));
        Consent = await ConsentRequest.DescribeAsync(request, application, applications, resource, Service<Audiences>(), user, cancellationToken);
        PostedParameters = FormParameters(request);
        return Page();
    }

    private Microsoft.AspNetCore.Mvc.SignInResult Issue(IdentityUser user, ImmutableArray<string> scopes, string resource, string authorizationId)
    {
        var identity = AuthorityClaims.For(user, scopes, [resource]);

        // Codes and tokens issued now belong to this approval: revoking it ends them.
        identity.SetAuthorizationId(authorizationId);
        return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private ForbidResult Refuse(string error, string description) => Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>
    /// Back here after signing in, with the same (already validated) parameters, less what must not survive the trip:
    /// <c>prompt=login</c> (it is being honoured, and would loop), the decision and the antiforgery token.
    /// </summary>
    private string ReturnUrl(OpenIddictRequest request)
    {
        var parameters = FormParameters(request).Select(p => p.Key == Parameters.Prompt
            ? KeyValuePair.Create(p.Key, string.Join(' ', p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(v => v != PromptValues.Login)))
            : p)
            .Where(p => p.Value.Length > 0)
            .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value));
        return HttpContext.Request.PathBase + HttpContext.Request.Path + QueryString.Create(parameters);
    }

    private static List<KeyValuePair<string, string>> FormParameters(OpenIddictRequest request)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is DecisionField or "__RequestVerificationToken")
            {
                continue;
            }

            foreach (var item in (Microsoft.Extensions.Primitives.StringValues)(OpenIddictParameter?)value)
            {
                if (item is not null)
                {
                    list.Add(KeyValuePair.Create(name, item));
                }
            }
        }

        return list;
    }
}
