using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// Identity's user manager, with one rule added at the only place every account change passes through: an event that
/// should end what the account granted to applications does so as part of the change itself. A password reset or
/// change, two-factor turned on or off, a lockout (by failed attempts or set by hand) and the account's deletion each
/// revoke every authorization and token of the account (<see cref="AccountRevocation.RevokeAllAsync"/>). No page can
/// forget it, and operator commands get it too. ("Sign out everywhere" revokes explicitly: a new security stamp alone
/// also comes from the plain sign-out, which ends browser sessions but leaves connected apps alone.)
/// </summary>
internal sealed class RevokingUserManager(
    IUserStore<IdentityUser> store,
    IOptions<IdentityOptions> options,
    IPasswordHasher<IdentityUser> passwordHasher,
    IEnumerable<IUserValidator<IdentityUser>> userValidators,
    IEnumerable<IPasswordValidator<IdentityUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<IdentityUser>> logger,
    AccountRevocation revocation)
    : UserManager<IdentityUser>(store, options, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> ResetPasswordAsync(IdentityUser user, string token, string newPassword)
        => await RevokeOnSuccessAsync(user, await base.ResetPasswordAsync(user, token, newPassword));

    public override async Task<IdentityResult> ChangePasswordAsync(IdentityUser user, string currentPassword, string newPassword)
        => await RevokeOnSuccessAsync(user, await base.ChangePasswordAsync(user, currentPassword, newPassword));

    public override async Task<IdentityResult> SetTwoFactorEnabledAsync(IdentityUser user, bool enabled)
        => await RevokeOnSuccessAsync(user, await base.SetTwoFactorEnabledAsync(user, enabled));

    public override async Task<IdentityResult> AccessFailedAsync(IdentityUser user)
    {
        var result = await base.AccessFailedAsync(user);
        return result.Succeeded && await IsLockedOutAsync(user) ? await RevokeOnSuccessAsync(user, result) : result;
    }

    public override async Task<IdentityResult> SetLockoutEndDateAsync(IdentityUser user, DateTimeOffset? lockoutEnd)
    {
        var result = await base.SetLockoutEndDateAsync(user, lockoutEnd);
        return result.Succeeded && lockoutEnd > DateTimeOffset.UtcNow ? await RevokeOnSuccessAsync(user, result) : result;
    }

    /// <summary>Grants go first: should the deletion then fail, the account merely has to connect its apps again.</summary>
    public override async Task<IdentityResult> DeleteAsync(IdentityUser user)
    {
        await revocation.RevokeAllAsync(user.Id, CancellationToken);
        return await base.DeleteAsync(user);
    }

    private async Task<IdentityResult> RevokeOnSuccessAsync(IdentityUser user, IdentityResult result)
    {
        if (result.Succeeded)
        {
            await revocation.RevokeAllAsync(user.Id, CancellationToken);
        }

        return result;
    }
}
