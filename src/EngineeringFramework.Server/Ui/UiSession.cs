using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity.Users;

namespace EngineeringFramework.Server.Ui;

/// <summary>The signed-in person as the UI knows them: the caller every use case takes, and their organizations.</summary>
public sealed record UiUser(Caller Caller, string DisplayName, string Email, IReadOnlyList<OrganizationSummary> Organizations);

/// <summary>
/// Resolves the product's user from the session cookie once per request, through Core's <see cref="CurrentCaller"/>. The
/// caller's id comes only from the authenticated principal, never from a form field or the route.
/// </summary>
internal sealed class UiSession(SignInClaims claims, CurrentCaller current, OrganizationService organizations)
{
    private UiUser? resolved;

    /// <summary>
    /// The header's count of the person's overdue items, set by the page after its own reads (<see cref="UiPage"/>): a page
    /// and its layout share one database context per request, so the layout never queries while the page may be.
    /// </summary>
    public (Guid OrganizationId, int Overdue)? OverdueCount { get; set; }

    /// <summary>
    /// Whether the header offers the System section: set by the page after its own reads, for the same reason as
    /// <see cref="OverdueCount"/>. False until then, so a page that failed to load never shows the link.
    /// </summary>
    public bool SuperAdmin { get; set; }

    public async Task<UiUser?> ResolveAsync(HttpContext http)
    {
        if (resolved is not null)
        {
            return resolved;
        }

        var user = await current.ResolveAsync(claims.Read(http.User), http.RequestAborted);
        if (user is null)
        {
            return null;
        }

        var caller = user.As(Surface.Ui);
        var mine = await organizations.ListMineAsync(caller, http.RequestAborted);
        return resolved = new UiUser(caller, user.DisplayName, user.Email, mine);
    }
}
