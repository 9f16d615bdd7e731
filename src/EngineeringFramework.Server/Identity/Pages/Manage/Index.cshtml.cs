using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// "Your account": the address, and the way to every change a person can make to their own account. Embedded mode only:
/// with an external provider the account is the provider's, and only deleting the product's data is offered here.
/// </summary>
public sealed class IndexModel : AccountPageModel
{
    public string Email { get; private set; } = string.Empty;

    public bool TwoFactorEnabled { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var account = await SignedInAccountAsync();
        if (account is null)
        {
            return Challenge();
        }

        Email = account.Email ?? string.Empty;
        TwoFactorEnabled = await Service<UserManager<IdentityUser>>().GetTwoFactorEnabledAsync(account);
        return Page();
    }
}
