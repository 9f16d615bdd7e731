using System.Globalization;
using System.Security.Claims;
using EngineeringFramework.Server.Identity.Accounts;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>When the credential behind a principal was issued: a token's <c>iat</c>, or a browser session's sign-in time.</summary>
internal static class IssuedAt
{
    /// <summary>Null when the principal says nothing about it; callers treat that as "issued before anything".</summary>
    public static DateTimeOffset? Of(ClaimsPrincipal principal)
        => long.TryParse(principal.FindFirstValue("iat"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : SignInTime.Of(principal);

    /// <summary>
    /// Whether a credential of an account deleted at <paramref name="deletedAt"/> predates the deletion. Compared to the
    /// second (token times have no finer grain), and "at or before" counts as before: a credential that cannot show it is
    /// newer is refused.
    /// </summary>
    public static bool Predates(ClaimsPrincipal principal, DateTimeOffset deletedAt)
        => Of(principal) is not { } issued || issued.ToUnixTimeSeconds() <= deletedAt.ToUnixTimeSeconds();
}
