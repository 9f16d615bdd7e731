using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// The web UI's session: HttpOnly (no script can read it), Secure outside Development, SameSite=Lax (not sent on
/// cross-site POSTs), sliding expiry. Only page navigations are redirected to sign-in; any other unauthenticated
/// request gets a plain 401, so programmatic callers never follow a login page.
/// </summary>
internal static class SessionCookie
{
    public const string SignInPath = "/Account/SignIn";

    public static void Configure(CookieAuthenticationOptions options, IHostEnvironment environment)
    {
        options.Cookie.Name = "__ef_session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        options.SlidingExpiration = true;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.LoginPath = SignInPath;
        options.LogoutPath = "/Account/SignOut";
        options.AccessDeniedPath = SignInPath;
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
        options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);

        // Every new session records when its person signed in; re-authentication and account deletion read it.
        options.Events.OnSigningIn = Accounts.SignInTime.StampAsync;
    }

    /// <summary>
    /// External mode: a session whose account's product data was deleted after it began is refused (and the browser sent
    /// to sign in again, which starts afresh). Embedded mode needs no such check: the local account is gone, so the
    /// security stamp check on every request already refuses its sessions.
    /// </summary>
    public static void RefuseSessionsOfDeletedAccounts(CookieAuthenticationOptions options)
    {
        var previous = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = async context =>
        {
            await previous(context);
            if (context.Principal is { } principal
                && !await context.HttpContext.RequestServices.GetRequiredService<Grants.GrantStanding>().StandsAsync(principal, context.HttpContext.RequestAborted))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(context.Scheme.Name);
            }
        };
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (HttpMethods.IsGet(context.Request.Method) && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
