using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// When the person behind a browser session last proved who they are (password and second factor here, or the external
/// provider's sign-in), carried in the session as the <see cref="ClaimType"/> claim, in Unix seconds. Re-authentication
/// (<see cref="Reauthentication"/>) reads it, and so does the refusal of a deleted account's older sessions.
/// </summary>
/// <remarks>
/// Not the cookie's <c>IssuedUtc</c>: sliding renewal re-issues the cookie and moves it, and in embedded mode the security
/// stamp check re-issues it on every request. The time is stamped once, when a session is created, into the ticket's
/// properties as well as the claim, and copied forward from there: <c>RefreshSignInAsync</c> (after a password or 2FA
/// change) builds a new principal but keeps the properties (<see cref="StampAsync"/>), and the security stamp validator
/// replaces the principal but keeps the properties too (<see cref="CopyOnRefresh"/>). A fresh sign-in always starts with
/// new properties, so it always gets a new time.
/// </remarks>
internal static class SignInTime
{
    public const string ClaimType = "ef_signed_in_at";

    private const string PropertyKey = ".ef.signed_in_at";

    /// <summary>The cookie's <c>OnSigningIn</c>: a new session gets the time now (or the provider's <c>auth_time</c>); a re-issued one keeps its own.</summary>
    public static Task StampAsync(CookieSigningInContext context)
    {
        if (!context.Properties.Items.TryGetValue(PropertyKey, out var stamped) || !long.TryParse(stamped, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();

            // An external provider says when the person actually authenticated (auth_time), which is earlier than our session
            // when its own session let them through without a password: the earlier time is the honest one. Never later than now.
            var authTime = long.TryParse(context.Principal?.FindFirstValue("auth_time"), NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : now;
            stamped = Math.Min(authTime, now).ToString(CultureInfo.InvariantCulture);
            context.Properties.Items[PropertyKey] = stamped;
        }

        if (context.Principal?.Identity is ClaimsIdentity identity)
        {
            Replace(identity, stamped);
        }

        return Task.CompletedTask;
    }

    /// <summary>The security stamp validator's principal refresh (embedded mode): the new principal keeps the session's time.</summary>
    public static Task CopyOnRefresh(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirstValue(ClaimType) is { } stamped && context.NewPrincipal?.Identity is ClaimsIdentity identity)
        {
            Replace(identity, stamped);
        }

        return Task.CompletedTask;
    }

    /// <summary>When this session's person last signed in; null for a principal without the claim (a token, an old cookie).</summary>
    public static DateTimeOffset? Of(ClaimsPrincipal principal)
        => long.TryParse(principal.FindFirstValue(ClaimType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static void Replace(ClaimsIdentity identity, string stamped)
    {
        foreach (var old in identity.FindAll(ClaimType).ToList())
        {
            identity.RemoveClaim(old);
        }

        identity.AddClaim(new Claim(ClaimType, stamped, ClaimValueTypes.Integer64));
    }
}
