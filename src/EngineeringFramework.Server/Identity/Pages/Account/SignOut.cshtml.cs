using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Accounts;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>
/// Sign-out is a POST with an antiforgery token, so another site cannot sign the user out; it ends the session on the
/// server too (<see cref="LocalAccounts.EndBrowserSessionsAsync"/>), not only in this browser.
/// </summary>
public sealed class SignOutModel : AccountPageModel
{
    public bool ExternalSignIn => IsExternal;

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal)
        {
            // Ends our session and the provider's (its end-session endpoint), then comes back to the home page.
            return SignOut(new AuthenticationProperties { RedirectUri = "/" }, Authentication.CookieScheme, External.ExternalAuthority.Scheme);
        }

        await LocalAccounts.EndBrowserSessionsAsync(HttpContext, Service<UserManager<IdentityUser>>(), Service<SignInManager<IdentityUser>>());
        return LocalRedirect("/");
    }
}
