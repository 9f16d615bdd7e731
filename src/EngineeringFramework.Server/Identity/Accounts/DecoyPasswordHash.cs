using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// A password hash that belongs to no account, made once by the configured <see cref="IPasswordHasher{TUser}"/>, so
/// verifying a password against it costs what verifying against a real account's hash costs (same algorithm, same
/// iteration count). Spent wherever a sign-in would otherwise answer without hashing, see <see cref="EqualWorkSignInManager"/>.
/// </summary>
internal sealed class DecoyPasswordHash
{
    private string? hash;

    public string For(IPasswordHasher<IdentityUser> hasher)
        => LazyInitializer.EnsureInitialized(ref hash, () => hasher.HashPassword(new IdentityUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
}
