using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

public sealed class SignInModel : AccountPageModel
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Arrived from "Sign out everywhere" (a fixed notice; the query value is never echoed).</summary>
    public bool SignedOutEverywhere => Request.Query["signedOut"] == "everywhere";

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal)
        {
            // The provider's sign-in page, with PKCE; it comes back to /signin-oidc and then here.
            return Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(ReturnUrl) }, External.ExternalAuthority.Scheme);
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
        var result = await signIn.PasswordSignInAsync(Input.Email, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("SignInTwoFactor", new { returnUrl = SafeReturnUrl(ReturnUrl) });
        }

        // One message for a wrong password, an unknown address, an unconfirmed or a locked account: the page must
        // not tell a guesser which addresses have accounts, nor that the lockout is what stops them.
        ModelState.AddModelError(string.Empty, "Sign-in failed. Check the email and password; after repeated failures the account is locked for a while. New accounts must confirm their email first.");
        return Page();
    }

    public sealed class SignInInput
    {
        [Required]
        [EmailAddress]
        [Display(Name = "Email")]
        public string Email { get; set; } = string.Empty;

        [Required]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = string.Empty;
    }
}
