using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

public sealed class ConfirmEmailModel : AccountPageModel
{
    public bool Confirmed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var users = Service<UserManager<IdentityUser>>();
        var user = string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(code) ? null : await users.FindByIdAsync(userId);
        Confirmed = user is not null && (await users.ConfirmEmailAsync(user, code!)).Succeeded;
        return Page();
    }
}
