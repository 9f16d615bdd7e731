using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Core.Mail;
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

        // Both paths hash the password once and queue one message, so neither the answer nor its timing tells
        // whether the address already has an account (creating one also writes its row, a far smaller difference
        // than a hash); only the owner of the address learns it, by mail. The message is queued even if the browser
        // gives up meanwhile: an account created without its confirmation mail could never be confirmed.
        var mail = Service<IMailSender>();
        var existing = await users.FindByEmailAsync(Input.Email);
        if (existing is not null)
        {
            _ = users.PasswordHasher.HashPassword(candidate, Input.Password);
            await mail.SendAsync(AccountMessages.AlreadyRegistered(existing.Email!), CancellationToken.None);
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
            await mail.SendAsync(AccountMessages.ConfirmAddress(candidate.Email!, Service<AccountLinks>().ConfirmEmail(candidate.Id, code)), CancellationToken.None);
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
