namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Starts a password reset for an address. Implementations return normally whether or not the address belongs to
/// an account, so the page above them answers identically in both cases (no account enumeration).
/// </summary>
internal interface IPasswordResetRequester
{
    Task RequestAsync(string email, CancellationToken cancellationToken);
}
