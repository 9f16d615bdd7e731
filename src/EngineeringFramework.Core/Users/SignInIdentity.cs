namespace EngineeringFramework.Core.Users;

/// <summary>
/// Who a validated token or session says is calling, as the surfaces read it from their credential: the issuer's subject
/// (the only key to a user), what it says about the address, a display name, and when the credential was issued (null
/// when it does not say). Nothing here has been looked up yet. <see cref="ServiceAccount"/>: the credential is a service
/// account's token, the only credential that may name a service account's user.
/// </summary>
public sealed record SignInIdentity(string Subject, EmailClaim Email, string? Name, DateTimeOffset? IssuedAt, bool ServiceAccount = false);

/// <summary>
/// What a credential says about the account's email address, and whether the issuer vouches for it. <see cref="Verified"/>
/// is null when the credential says nothing about verification, so the stored answer stands.
/// </summary>
/// <remarks>
/// Embedded authority: every address it puts in a session or token is confirmed (an unconfirmed account cannot sign in,
/// and an address changes only through a link mailed to the new one), so such an address is verified by where it comes
/// from. The account pages own the product's copy of the address (<see cref="UserDirectory.UpdateEmailAsync"/>): an
/// access token minted before a change still names the old address for up to 15 minutes, and following it would put the
/// old address back. Embedded claims therefore only vouch for the stored address when they name it (how rows from
/// before verification was recorded get their flag) and establish it for a new user. External provider: its claims are
/// the only source, so the address follows them, and only an explicit <c>email_verified</c> of true counts. A missing
/// claim (access tokens often carry <c>email</c> alone) keeps what was said earlier about the same address, and a new
/// address without it is not verified, so an API call never undoes the sign-in's answer by silence.
/// </remarks>
public sealed record EmailClaim(string? Address, bool? Verified, bool ExternalIssuer)
{
    public const int MaxLength = 320;

    /// <summary>A claim as read from a credential: the address cut to <see cref="MaxLength"/>; embedded addresses are verified.</summary>
    public static EmailClaim From(string? address, bool? verified, bool externalIssuer)
    {
        if (string.IsNullOrEmpty(address))
        {
            return new EmailClaim(null, null, externalIssuer);
        }

        address = address.Length <= MaxLength ? address : address[..MaxLength];
        return new EmailClaim(address, externalIssuer ? verified : true, externalIssuer);
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
