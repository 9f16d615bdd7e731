using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign the user out.</summary>
public sealed class SignOutModel : AccountPageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal)
        {
            // Ends our session and the provider's (its end-session endpoint), then comes back to the home page.
            return SignOut(new AuthenticationProperties { RedirectUri = "/" }, Authentication.CookieScheme, External.ExternalAuthority.Scheme);
        }

        await Service<SignInManager<IdentityUser>>().SignOutAsync();
        return LocalRedirect("/");
    }
}
