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

    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>When the account was deleted: the row stays, anonymised, so the history it made still names someone.</summary>
    public DateTime? DeletedAt { get; set; }
}
