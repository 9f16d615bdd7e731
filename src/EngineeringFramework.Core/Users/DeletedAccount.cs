namespace EngineeringFramework.Core.Users;

/// <summary>
/// A sign-in subject whose account was deleted, and when. Access tokens are self-contained: one issued before the
/// deletion stays valid by its signature until it expires, and an external provider keeps issuing tokens for its own
/// accounts whatever this product did. The server refuses every token and session of this subject issued at or before
/// <see cref="DeletedAt"/> (to the second), so the account's old tokens cannot bring a fresh, empty user back to life.
/// </summary>
/// <remarks>
/// Kept for good: a row per deleted account is cheap, and tokens minted by an operator (<c>admin token</c>) or by an
/// external provider may live for a day or more. Keyed by the subject, not by the product user, because a subject that
/// never used the product can hold tokens too.
/// </remarks>
public sealed class DeletedAccount
{
    public required string AuthSubject { get; init; }

    public DateTime DeletedAt { get; set; }
}
