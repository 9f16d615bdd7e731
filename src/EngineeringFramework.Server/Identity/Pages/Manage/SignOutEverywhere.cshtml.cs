using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Grants;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// "Sign out everywhere" (<see cref="LocalAccounts.SignOutEverywhereAsync"/>): a POST with an antiforgery token, so another
/// site cannot end someone's sessions. No password is asked: it only takes access away, which a stolen session gains
/// nothing from.
/// </summary>
public sealed class SignOutEverywhereModel : AccountPageModel
{
    public IActionResult OnGet() => IsExternal ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        await LocalAccounts.SignOutEverywhereAsync(HttpContext, Service<UserManager<IdentityUser>>(), Service<SignInManager<IdentityUser>>(), Service<AccountRevocation>());
        return LocalRedirect("/Account/SignIn?signedOut=everywhere");
    }
}
