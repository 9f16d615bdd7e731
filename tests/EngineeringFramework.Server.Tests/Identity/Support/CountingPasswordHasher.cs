using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// Identity's own hasher, counting its work: a password hash is the one step whose cost dwarfs the rest of a sign-in,
/// so equal counts for a known and an unknown address mean equal cost, without a timing measurement.
/// </summary>
internal sealed class CountingPasswordHasher(PasswordHashWork work, IOptions<PasswordHasherOptions> options) : IPasswordHasher<IdentityUser>
{
    private readonly PasswordHasher<IdentityUser> inner = new(options);

    public string HashPassword(IdentityUser user, string password)
    {
        Interlocked.Increment(ref work.Hashes);
        return inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref work.Verifications);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }

    /// <summary>Registers the counting hasher in a test server (before Identity's own registration, which then stands aside).</summary>
    public static PasswordHashWork Install(WebApplicationBuilder builder)
    {
        var work = new PasswordHashWork();
        builder.Services.AddSingleton(work);
        builder.Services.AddScoped<IPasswordHasher<IdentityUser>, CountingPasswordHasher>();
        return work;
    }
}

/// <summary>Hashes made and verifications done so far.</summary>
internal sealed class PasswordHashWork
{
    public int Hashes;
    public int Verifications;

    /// <summary>The work done by <paramref name="action"/> alone.</summary>
    public async Task<(int Hashes, int Verifications)> DuringAsync(Func<Task> action)
    {
        var (hashes, verifications) = (Volatile.Read(ref Hashes), Volatile.Read(ref Verifications));
        await action();
        return (Volatile.Read(ref Hashes) - hashes, Volatile.Read(ref Verifications) - verifications);
    }
}
