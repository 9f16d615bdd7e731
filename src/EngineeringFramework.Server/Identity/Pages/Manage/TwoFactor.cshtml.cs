using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// Turns TOTP on (after proving a working authenticator with one code) and shows ten recovery codes once; Identity
/// stores only their hashes' equivalent and each works a single time. Turning it off takes the current password (or a
/// sign-in within the last five minutes, see <see cref="Accounts.Reauthentication"/>): it is what stands between a
/// stolen password and the account. Requires the session cookie (fallback policy).
/// </summary>
public sealed class TwoFactorModel : AccountPageModel
{
    [BindProperty]
    [StringLength(7, MinimumLength = 6)]
    [Display(Name = "Code from your authenticator app")]
    public string Code { get; set; } = string.Empty;

    [BindProperty]
    [DataType(DataType.Password)]
    [StringLength(256)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }

    public bool Enabled { get; private set; }

    /// <summary>Whether turning it off must ask for the password (no sign-in within the last five minutes).</summary>
    public bool PasswordNeeded { get; private set; } = true;

    public string? SharedKey { get; private set; }

    public string? AuthenticatorUri { get; private set; }

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    /// <summary>Just turned off (the page then offers to turn it on again).</summary>
    public bool TurnedOff { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var users = Service<UserManager<IdentityUser>>();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAsync(users, user);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var users = Service<UserManager<IdentityUser>>();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(users, user);
            return Page();
        }

        var code = Code.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError(nameof(Code), "The code is not valid. Check the time on your device and try again.");
            await LoadAsync(users, user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? []];

        // Turning TOTP on changed the security stamp: re-issue this session's cookie so that it stays valid.
        await Service<SignInManager<IdentityUser>>().RefreshSignInAsync(user);
        Enabled = true;
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var users = Service<UserManager<IdentityUser>>();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // The authenticator code belongs to the other form.
        ModelState.Remove(nameof(Code));
        var reauthentication = Service<Accounts.Reauthentication>();
        if (!reauthentication.SignedInRecently(User) && !await reauthentication.PasswordMatchesAsync(user, CurrentPassword))
        {
            ModelState.AddModelError(nameof(CurrentPassword), Accounts.Reauthentication.WrongPassword);
            await LoadAsync(users, user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, false);

        // A new key, so an authenticator copied before cannot be used if TOTP is turned on again.
        await users.ResetAuthenticatorKeyAsync(user);
        await Service<SignInManager<IdentityUser>>().RefreshSignInAsync(user);
        await LoadAsync(users, user);
        TurnedOff = true;
        return Page();
    }

    private async Task LoadAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        PasswordNeeded = !Service<Accounts.Reauthentication>().SignedInRecently(User);
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        if (Enabled)
        {
            return;
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);

            // A new key changes the security stamp, which would end this session at its next request.
            await Service<SignInManager<IdentityUser>>().RefreshSignInAsync(user);
        }

        SharedKey = key;
        AuthenticatorUri = $"otpauth://totp/{Uri.EscapeDataString("Engineering Framework:" + user.Email)}?secret={key}&issuer={Uri.EscapeDataString("Engineering Framework")}&digits=6";
    }
}
