using EngineeringFramework.Server.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>
/// The link mailed to a new address (<see cref="Manage.ChangeEmailModel"/>). Anonymous, since the mailbox may be read on
/// another device: the single-use token is the proof, bound to the account, to this exact address and to the account's
/// security stamp (a password change in between voids it). The address is also the account's user name (people sign in
/// with their address), so both change in one write, and the product's copy of the address follows.
/// </summary>
public sealed class ConfirmEmailChangeModel : AccountPageModel
{
    public bool Changed { get; private set; }

    public string? Email { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? email, string? code, CancellationToken cancellationToken)
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var users = Service<UserManager<IdentityUser>>();
        var account = string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(email) || string.IsNullOrEmpty(code) ? null : await users.FindByIdAsync(userId);
        if (account is null)
        {
            return Page();
        }

        // Set in memory only: ChangeEmailAsync checks the token (which still matches the unchanged security stamp), then
        // validates (unique address and user name) and saves the address, the user name and a new stamp in one update. If
        // anything fails, nothing is saved.
        account.UserName = email;
        var result = await users.ChangeEmailAsync(account, email!, code!);
        if (!result.Succeeded)
        {
            return Page();
        }

        await Service<Core.Users.UserDirectory>().UpdateEmailAsync(account.Id, email!, cancellationToken);
        Changed = true;
        Email = email;
        return Page();
    }
}
