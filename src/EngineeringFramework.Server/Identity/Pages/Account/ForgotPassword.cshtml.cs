using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Server.Identity.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>
/// Password reset request. The answer (status, headers, body) is the same whether or not the address has an
/// account, so the page cannot be used to find out who is a user. Works in both modes: the requester is local
/// (queue the request; the mail worker sends a token only to a confirmed account, so the request's work does not
/// depend on the address either) or the external provider's reset endpoint.
/// </summary>
public sealed class ForgotPasswordModel : AccountPageModel
{
    [BindProperty]
    [Required]
    [EmailAddress]
    [StringLength(256)]
    [Display(Name = "Email")]
    public string Email { get; set; } = string.Empty;

    public bool Submitted { get; private set; }

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        await Service<IPasswordResetRequester>().RequestAsync(Email, cancellationToken);
        Submitted = true;
        return Page();
    }
}
