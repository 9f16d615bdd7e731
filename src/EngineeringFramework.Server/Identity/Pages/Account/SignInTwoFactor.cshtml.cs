using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>Second step of a sign-in for accounts with TOTP: an authenticator code or a single-use recovery code.</summary>
public sealed class SignInTwoFactorModel : AccountPageModel
{
    [BindProperty]
    [Required]
    [StringLength(64)]
    [Display(Name = "Authenticator code or recovery code")]
    public string Code { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        await AllowClientRedirectAsync(ReturnUrl);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        await AllowClientRedirectAsync(ReturnUrl);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var signIn = Service<SignInManager<IdentityUser>>();
        var code = Code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);

        // Six digits is an authenticator code; anything else is tried as a recovery code (each works once).
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(Code.Trim());
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        ModelState.AddModelError(string.Empty, "The code is wrong or expired; after repeated failures the account is locked for a while.");
        return Page();
    }
}
