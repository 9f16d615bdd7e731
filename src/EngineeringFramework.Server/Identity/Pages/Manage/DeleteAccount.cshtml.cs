using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// A person deletes their own account (<see cref="AccountRemoval"/>): refused, with the organizations named, while they are
/// the last admin of any.
/// <list type="bullet">
/// <item>Embedded mode: the password is re-entered (a session alone is not enough to destroy an account), then the product
/// data, the local account and every grant go.</item>
/// <item>External mode: the password lives at the provider and cannot be checked here, so the proof is a sign-in at the
/// provider within the last five minutes (<see cref="Reauthentication"/>; "Sign in again" asks the provider for a fresh
/// login with <c>max_age=0</c> and <c>prompt=login</c>), plus the email address typed out, so that one stray click on a
/// recent session deletes nothing. Only the product's data goes; the sign-in account is the provider's.</item>
/// </list>
/// This is the one account page that exists in external mode.
/// </summary>
public sealed class DeleteAccountModel : AccountPageModel
{
    [BindProperty]
    public DeleteAccountInput Input { get; set; } = new();

    public bool ExternalSignIn => IsExternal;

    public string Email { get; private set; } = string.Empty;

    /// <summary>What must be typed in external mode: the address, or "delete" when the provider gave none.</summary>
    public string ExpectedConfirmation => Email.Length > 0 ? Email : "delete";

    public bool SignedInRecently { get; private set; }

    /// <summary>Why deleting is refused right now (the last admin of an organization), or null.</summary>
    public string? LastAdminOf { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
        => await LoadAsync(cancellationToken) is not null ? Page() : Challenge();

    /// <summary>External mode: back to the provider for a fresh sign-in that proves it is the person, then back here.</summary>
    public IActionResult OnGetReauthenticate()
    {
        if (!IsExternal)
        {
            return NotFound();
        }

        var properties = new OpenIdConnectChallengeProperties { RedirectUri = "/Manage/DeleteAccount", MaxAge = TimeSpan.Zero, Prompt = "login" };
        return Challenge(properties, External.ExternalAuthority.Scheme);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var subject = await LoadAsync(cancellationToken);
        if (subject is null)
        {
            return Challenge();
        }

        if (LastAdminOf is not null)
        {
            return Page();
        }

        if (!await ConfirmedAsync())
        {
            return Page();
        }

        try
        {
            await Service<AccountRemoval>().RemoveAsync(subject, Surface.Ui, cancellationToken);
        }
        catch (ConflictException e)
        {
            // Someone changed the organization's admins since the page was read.
            LastAdminOf = e.Message;
            return Page();
        }

        // The local account is gone (embedded) or the subject recorded as deleted (external): this browser's session
        // would be refused at its next request anyway; end it now.
        if (IsExternal)
        {
            await HttpContext.SignOutAsync(Authentication.CookieScheme);
        }
        else
        {
            await Service<SignInManager<IdentityUser>>().SignOutAsync();
        }

        return LocalRedirect("/Account/AccountDeleted");
    }

    private async Task<bool> ConfirmedAsync()
    {
        if (IsExternal)
        {
            ModelState.Remove("Input.Password");
            if (!SignedInRecently)
            {
                ModelState.AddModelError(string.Empty, "Sign in again first: deleting your data needs a sign-in at your provider within the last five minutes.");
                return false;
            }

            if (!string.Equals(Input.ConfirmEmail?.Trim(), ExpectedConfirmation, StringComparison.OrdinalIgnoreCase))
            {
                ModelState.AddModelError("Input.ConfirmEmail", $"Type {ExpectedConfirmation} exactly to confirm.");
                return false;
            }

            return ModelState.IsValid;
        }

        ModelState.Remove("Input.ConfirmEmail");
        var account = await SignedInAccountAsync();
        if (!ModelState.IsValid || account is null || !await Service<Reauthentication>().PasswordMatchesAsync(account, Input.Password))
        {
            ModelState.AddModelError("Input.Password", Reauthentication.WrongPassword);
            return false;
        }

        return true;
    }

    /// <returns>The session's sign-in subject, or null when the session names no account.</returns>
    private async Task<string?> LoadAsync(CancellationToken cancellationToken)
    {
        string? subject;
        if (IsExternal)
        {
            subject = User.FindFirstValue("sub");
            var user = subject is null ? null : await Service<CurrentCaller>().ResolveAsync(Service<SignInClaims>().Read(User), cancellationToken);
            if (user is null)
            {
                return null;
            }

            Email = user.Email;
        }
        else
        {
            var account = await SignedInAccountAsync();
            if (account is null)
            {
                return null;
            }

            subject = account.Id;
            Email = account.Email ?? string.Empty;
        }

        SignedInRecently = Service<Reauthentication>().SignedInRecently(User);
        var organizations = await Service<AccountDeletion>().OrganizationsOnlyAdministeredByAsync(subject!, cancellationToken);
        LastAdminOf = organizations.Count > 0 ? AccountDeletion.LastAdminMessage(organizations) : null;
        return subject;
    }

    public sealed class DeleteAccountInput
    {
        [DataType(DataType.Password)]
        [StringLength(256)]
        [Display(Name = "Your password")]
        public string? Password { get; set; }

        [StringLength(320)]
        [Display(Name = "Your email address")]
        public string? ConfirmEmail { get; set; }
    }
}
