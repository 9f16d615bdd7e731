using System.Security.Claims;

namespace EngineeringFramework.Server.Identity.Users;

/// <summary>
/// What a validated token or session says about the account's email address, and whether the issuer vouches for it.
/// <see cref="Verified"/> is null when the claims say nothing about verification, so the stored answer stands.
/// </summary>
/// <remarks>
/// Embedded authority: every address it puts in a session or token is confirmed. Identity's
/// <c>RequireConfirmedEmail</c> stops an unconfirmed account at sign-in (so no session exists for one), the
/// authorize endpoint issues codes only to such a session, the token endpoint asks <c>CanSignInAsync</c> again on
/// every code and refresh, <c>admin token</c> refuses unconfirmed accounts, and an address changes only through a
/// link mailed to the new one. So here an address is verified by where it comes from. The account pages also own the
/// product's copy of the address (<see cref="AppUserProvisioner.UpdateEmailAsync"/> writes it when a change is
/// confirmed): an access token minted before the change still names the old address for up to 15 minutes, and
/// following it would put the old address back. Embedded claims therefore only vouch for the stored address when they
/// name it (how rows from before <c>EmailVerified</c> existed get their flag) and establish it for a new user.
/// External provider: its claims are the only source, so the address follows them, and only an <c>email_verified</c>
/// claim of <c>true</c> counts (providers let people sign up with addresses they never proved). <c>false</c> or any
/// other value means not verified. A missing claim (access tokens often carry <c>email</c> alone) keeps what the
/// session said earlier about the same address, and a new address without it is not verified, so an API call never
/// undoes the sign-in's answer by silence.
/// </remarks>
internal sealed record AccountEmail(string? Address, bool? Verified, bool ExternalIssuer)
{
    public const int MaxLength = 320;

    public static AccountEmail Read(ClaimsPrincipal principal, bool externalIssuer)
    {
        var address = principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email);
        if (string.IsNullOrEmpty(address))
        {
            return new AccountEmail(null, null, externalIssuer);
        }

        address = address.Length <= MaxLength ? address : address[..MaxLength];
        if (!externalIssuer)
        {
            return new AccountEmail(address, true, externalIssuer);
        }

        // A JSON boolean arrives as "true"; some providers send the string "true". Nothing else counts.
        var verified = principal.FindFirstValue("email_verified");
        return new AccountEmail(address, verified is null ? null : string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase), externalIssuer);
    }

    /// <summary>The address and flag of a user created from these claims.</summary>
    public (string Email, bool Verified) ForNewUser() => (Address ?? string.Empty, Address is not null && Verified == true);

    /// <summary>What the user's stored address and flag become after these claims (unchanged when they name no address).</summary>
    public (string Email, bool Verified) Apply(string email, bool verified)
    {
        if (Address is null)
        {
            return (email, verified);
        }

        var sameAddress = string.Equals(Address, email, StringComparison.Ordinal);
        if (!ExternalIssuer)
        {
            return (email, verified || (sameAddress && Verified == true));
        }

        return (Address, Verified ?? (sameAddress && verified));
    }

    /// <summary>True when the stored values already say what these claims say: nothing to write.</summary>
    public bool IsCurrent(string email, bool verified) => Apply(email, verified) == (email, verified);
}
