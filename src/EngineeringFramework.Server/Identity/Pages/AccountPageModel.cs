using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EngineeringFramework.Server.Identity.Pages;

/// <summary>
/// Base of the account pages (public only because Razor's generated page classes are). Services are resolved
/// per handler so a page works in both modes; pages that exist only for local accounts answer 404 in external mode.
/// </summary>
public abstract class AccountPageModel : PageModel
{
    private protected T Service<T>()
        where T : notnull
        => HttpContext.RequestServices.GetRequiredService<T>();

    private protected bool IsExternal => Service<IdentitySettings>().IsExternal;

    /// <summary>For pages whose form may lead on to an OAuth client: see <see cref="Authority.AuthorizationReturn"/>.</summary>
    private protected Task AllowClientRedirectAsync(string? returnUrl) => Authority.AuthorizationReturn.AllowClientRedirectAsync(HttpContext, returnUrl);

    /// <summary>The local account the session names (embedded mode); null when it names none (then answer with a challenge).</summary>
    private protected Task<Microsoft.AspNetCore.Identity.IdentityUser?> SignedInAccountAsync()
        => Service<Microsoft.AspNetCore.Identity.UserManager<Microsoft.AspNetCore.Identity.IdentityUser>>().GetUserAsync(User);

    /// <summary>Only same-site paths: an absolute or protocol-relative return URL would be an open redirect.</summary>
    protected string SafeReturnUrl(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
