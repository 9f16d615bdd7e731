using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Changes that hand the account to whoever holds the session (turning two-factor off, a new password or email address,
/// deleting the account) ask for proof beyond the session cookie: the current password, or a sign-in within the last
/// <see cref="RecentSignInWindow"/>. A stolen or forgotten-open session alone cannot take the account over.
/// </summary>
internal sealed class Reauthentication(TimeProvider time, IServiceProvider services)
{
    public static readonly TimeSpan RecentSignInWindow = TimeSpan.FromMinutes(5);

    /// <summary>Signed in (password and second factor, or the external provider) within the window, by this server's clock.</summary>
    public bool SignedInRecently(ClaimsPrincipal principal)
    {
        if (SignInTime.Of(principal) is not { } at)
        {
            return false;
        }

        var age = time.GetUtcNow() - at;
        return age >= TimeSpan.Zero && age <= RecentSignInWindow;
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the account's current password (embedded mode). A wrong one counts towards
    /// the account's lockout like a failed sign-in, so a session cannot be used to guess the password at leisure; while
    /// locked out, even the right password is refused here.
    /// </summary>
    public async Task<bool> PasswordMatchesAsync(IdentityUser account, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return false;
        }

        var signIn = services.GetRequiredService<SignInManager<IdentityUser>>();
        return (await signIn.CheckPasswordSignInAsync(account, password, lockoutOnFailure: true)).Succeeded;
    }

    /// <summary>The message next to a password field that did not prove it.</summary>
    public const string WrongPassword = "The password is not correct. After repeated failures the account is locked for a while.";
}
