using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

public sealed class SignUpModel : AccountPageModel
{
    [BindProperty]
    public SignUpInput Input { get; set; } = new();

    public bool Submitted { get; private set; }

    public IActionResult OnGet() => IsExternal ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
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
        var candidate = new IdentityUser { UserName = Input.Email, Email = Input.Email };

        // The password is judged before the address is looked up, so a weak password gets the same answer whether
        // or not the address is taken.
        foreach (var validator in users.PasswordValidators)
        {
            var verdict = await validator.ValidateAsync(users, candidate, Input.Password);
            foreach (var error in verdict.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var mail = Service<IAccountMailSender>();
        var existing = await users.FindByEmailAsync(Input.Email);
        if (existing is not null)
        {
            // Same page as a new sign-up; only the owner of the address learns that it already has an account.
            await mail.SendAsync(new AccountMail(existing.Email!, "You already have an Engineering Framework account", "Someone tried to create an account with this address, which already has one. To get in, sign in or reset your password.", null), cancellationToken);
        }
        else
        {
            var created = await users.CreateAsync(candidate, Input.Password);
            if (!created.Succeeded)
            {
                foreach (var error in created.Errors)
                {
                    ModelState.AddModelError(string.Empty, error.Description);
                }

                return Page();
            }

            var code = await users.GenerateEmailConfirmationTokenAsync(candidate);
            var link = Service<AccountLinks>().ConfirmEmail(candidate.Id, code);
            await mail.SendAsync(new AccountMail(candidate.Email!, "Confirm your Engineering Framework account", $"Open this link within an hour to confirm your address:\n\n{link}\n\nIf you did not sign up, ignore this message.", link), cancellationToken);
        }

        Submitted = true;
        return Page();
    }

    public sealed class SignUpInput
    {
        [Required]
        [EmailAddress]
        [StringLength(256)]
        [Display(Name = "Email")]
        public string Email { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [StringLength(256, MinimumLength = LocalAccounts.MinimumPasswordLength)]
        [Display(Name = "Password (at least 12 characters)")]
        public string Password { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
        [Display(Name = "Repeat the password")]
        public string ConfirmPassword { get; set; } = string.Empty;
    }
}
