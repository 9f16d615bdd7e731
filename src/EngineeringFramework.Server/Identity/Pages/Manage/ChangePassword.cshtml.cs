using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// A new password, always with the current one (a recent sign-in is not enough here: knowing the password is the point).
/// <see cref="UserManager{TUser}.ChangePasswordAsync"/> rotates the security stamp, which ends every other browser session,
/// and revokes every app grant (<see cref="Grants.RevokingUserManager"/>); this browser is signed in again with its
/// original sign-in time. The account's address is told, so a change the owner did not make does not go unnoticed.
/// </summary>
public sealed class ChangePasswordModel : AccountPageModel
{
    [BindProperty]
    public ChangePasswordInput Input { get; set; } = new();

    public string Email { get; private set; } = string.Empty;

    public bool Done { get; private set; }

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
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
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
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Checked first and on its own: a wrong current password counts towards the lockout (ChangePasswordAsync alone would
        // let a session guess without limit), and nothing else is judged or changed.
        if (!await Service<Reauthentication>().PasswordMatchesAsync(account, Input.CurrentPassword))
        {
            ModelState.AddModelError("Input.CurrentPassword", Reauthentication.WrongPassword);
            return Page();
        }

        var users = Service<UserManager<IdentityUser>>();
        var changed = await users.ChangePasswordAsync(account, Input.CurrentPassword, Input.NewPassword);
        if (!changed.Succeeded)
        {
            foreach (var error in changed.Errors)
            {
                ModelState.AddModelError("Input.NewPassword", error.Description);
            }

            return Page();
        }

        await Service<SignInManager<IdentityUser>>().RefreshSignInAsync(account);
        await Service<Core.Mail.IMailSender>().SendAsync(AccountMessages.PasswordChanged(account.Email!), cancellationToken);
        Done = true;
        return Page();
    }

    public sealed class ChangePasswordInput
    {
        [Required]
        [DataType(DataType.Password)]
        [StringLength(256)]
        [Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [StringLength(256, MinimumLength = LocalAccounts.MinimumPasswordLength)]
        [Display(Name = "New password (at least 12 characters)")]
        public string NewPassword { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [Compare(nameof(NewPassword), ErrorMessage = "The passwords do not match.")]
        [Display(Name = "Repeat the new password")]
        public string ConfirmPassword { get; set; } = string.Empty;
    }
}
