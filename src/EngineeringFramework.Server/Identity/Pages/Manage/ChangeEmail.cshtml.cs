using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// Asks for a new sign-in address: the current password (or a sign-in within the last five minutes) first, then a
/// single-use link to the new address (<see cref="Account.ConfirmEmailChangeModel"/> applies it) and a notice to the
/// current one. An address that already has an account gets the very same answer and the very same notice to the current
/// address; only the owner of the taken address learns, by mail, that someone tried it. So the page cannot be used to find
/// out who has an account.
/// </summary>
public sealed class ChangeEmailModel : AccountPageModel
{
    [BindProperty]
    public ChangeEmailInput Input { get; set; } = new();

    public string Email { get; private set; } = string.Empty;

    public bool PasswordNeeded { get; private set; } = true;

    public string? SentTo { get; private set; }

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

        Load(account);
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

        Load(account);
        if (!PasswordNeeded)
        {
            ModelState.Remove("Input.CurrentPassword");
        }

        var newEmail = Input.NewEmail.Trim();
        if (ModelState.IsValid && string.Equals(newEmail, Email, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("Input.NewEmail", "This is already your address.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (PasswordNeeded && !await Service<Reauthentication>().PasswordMatchesAsync(account, Input.CurrentPassword))
        {
            ModelState.AddModelError("Input.CurrentPassword", Reauthentication.WrongPassword);
            return Page();
        }

        var users = Service<UserManager<IdentityUser>>();
        var mail = Service<Core.Mail.IMailSender>();
        if (await users.FindByEmailAsync(newEmail) is { } owner)
        {
            await mail.SendAsync(AccountMessages.AddressTaken(owner.Email!), cancellationToken);
        }
        else
        {
            var code = await users.GenerateChangeEmailTokenAsync(account, newEmail);
            var link = Service<AccountLinks>().ConfirmEmailChange(account.Id, newEmail, code);
            await mail.SendAsync(AccountMessages.ConfirmNewAddress(newEmail, link), cancellationToken);
        }

        // Sent whichever branch ran above: were it sent only for a free address, the account's owner could tell from their
        // own mailbox whether the other address has an account.
        await mail.SendAsync(AccountMessages.AddressChangeRequested(Email, newEmail), cancellationToken);
        SentTo = newEmail;
        return Page();
    }

    private void Load(IdentityUser account)
    {
        Email = account.Email ?? string.Empty;
        PasswordNeeded = !Service<Reauthentication>().SignedInRecently(User);
    }

    public sealed class ChangeEmailInput
    {
        [Required]
        [EmailAddress]
        [StringLength(256)]
        [Display(Name = "New email address")]
        public string NewEmail { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [StringLength(256)]
        [Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = string.Empty;
    }
}
