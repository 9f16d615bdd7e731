using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

public sealed class ResetPasswordModel : AccountPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Email { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = string.Empty;

    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    [StringLength(256, MinimumLength = Accounts.LocalAccounts.MinimumPasswordLength)]
    [Display(Name = "New password (at least 12 characters)")]
    public string Password { get; set; } = string.Empty;

    public bool Done { get; private set; }

    public IActionResult OnGet() => IsExternal ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var users = Service<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync(Email);

        // An unknown address and a bad or used token read the same: only the code proves anything.
        var result = user is null ? IdentityResult.Failed(users.ErrorDescriber.InvalidToken()) : await users.ResetPasswordAsync(user, Code, Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, error.Code == nameof(IdentityErrorDescriber.InvalidToken) ? "This reset link is invalid, used or expired. Ask for a new one." : error.Description);
            }

            return Page();
        }

        // A reset also ends any lockout: the person proved control of the mailbox.
        await users.SetLockoutEndDateAsync(user!, null);
        await users.ResetAccessFailedCountAsync(user!);
        Done = true;
        return Page();
    }
}
