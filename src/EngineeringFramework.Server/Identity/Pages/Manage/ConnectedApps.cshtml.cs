using EngineeringFramework.Server.Identity.Grants;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Identity.Pages.Manage;

/// <summary>
/// The applications the signed-in person approved (OAuth consents), and Revoke for each: the approval ends, its refresh
/// tokens are refused at once and its access tokens within <see cref="GrantStanding.Recheck"/> (at once on this
/// instance). Someone else's approval id is treated like an unknown one.
/// </summary>
public sealed class ConnectedAppsModel : AccountPageModel
{
    public IReadOnlyList<ConnectedApp> Apps { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var subject = Service<UserManager<IdentityUser>>().GetUserId(User);
        if (subject is null)
        {
            return Challenge();
        }

        Apps = await Service<ConnectedApps>().ListAsync(subject, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string authorizationId)
    {
        if (IsExternal)
        {
            return NotFound();
        }

        var subject = Service<UserManager<IdentityUser>>().GetUserId(User);
        if (subject is null)
        {
            return Challenge();
        }

        var revoked = !string.IsNullOrEmpty(authorizationId)
            && await Service<AccountRevocation>().RevokeAuthorizationAsync(subject, authorizationId, HttpContext.RequestAborted);
        Message = revoked ? "Access revoked. The application must ask you again to connect." : "That application was not connected (any more).";
        return RedirectToPage();
    }
}
