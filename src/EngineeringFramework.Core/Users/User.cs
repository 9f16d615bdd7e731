namespace EngineeringFramework.Core.Users;

/// <summary>A person known to the product. Users are global: one user may belong to several organizations.</summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The <c>sub</c> claim of the issuer that authenticated this user; unique.</summary>
    public required string AuthSubject { get; init; }

    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    public DateTime CreatedAt { get; init; }
}
