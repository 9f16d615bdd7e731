namespace EngineeringFramework.Core.Users;

/// <summary>A person known to the product. Users are global: one user may belong to several organizations.</summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>
    /// The <c>sub</c> claim of the issuer that authenticated this user; unique. Settable only so that a deleted account
    /// can take a value no token carries (see <see cref="AccountDeletion"/>).
    /// </summary>
    public required string AuthSubject { get; set; }

    /// <summary>
    /// The address the issuer last gave for this account. Kept current from the token or session on every request
    /// that brings a different one (an account may change its address), so it is only as fresh as the caller's last visit.
    /// </summary>
    public required string Email { get; set; }

    /// <summary>
    /// Whether the issuer vouches that <see cref="Email"/> belongs to this account: always for the embedded authority
    /// (it signs in confirmed accounts only), and for an external provider only when it says <c>email_verified: true</c>.
    /// Anything that trusts the address (an invitation bound to it) requires this.
    /// </summary>
    public bool EmailVerified { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>
    /// The user of a <see cref="ServiceAccounts.ServiceAccount"/>: its only credentials are the account's tokens. A session or
    /// a JWT that names such a user is refused (<see cref="UseCases.CurrentCaller"/>), and such a user is never provisioned
    /// from a credential.
    /// </summary>
    public bool IsServiceAccount { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>When the account was deleted: the row stays, anonymised, so the history it made still names someone.</summary>
    public DateTime? DeletedAt { get; set; }
}
