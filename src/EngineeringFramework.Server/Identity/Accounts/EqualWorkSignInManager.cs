using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Identity's sign-in, with one password verification on every path. The stock manager answers an unknown address,
/// an unconfirmed account and a locked one without hashing, and a password hash is by far the slowest step of a
/// sign-in: the response time alone would tell a guesser which addresses have accounts. Here those paths verify
/// the submitted password against a <see cref="DecoyPasswordHash"/> instead, and answer exactly as before.
/// </summary>
/// <remarks>
/// What remains different is small next to a hash: a wrong password on a real account also records the failure
/// (one row update, for lockout).
/// </remarks>
internal sealed class EqualWorkSignInManager(
    UserManager<IdentityUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<IdentityUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<IdentityUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<IdentityUser> confirmation,
    DecoyPasswordHash decoy)
    : SignInManager<IdentityUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            SpendDecoyVerification(password);
            return SignInResult.Failed;
        }

        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(IdentityUser user, string password, bool lockoutOnFailure)
    {
        // The stock check refuses unconfirmed and locked accounts before it looks at the password.
        if (await PreSignInCheck(user) is { } refused)
        {
            SpendDecoyVerification(password);
            return refused;
        }

        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
    }

    private void SpendDecoyVerification(string password)
    {
        var hasher = UserManager.PasswordHasher;
        _ = hasher.VerifyHashedPassword(new IdentityUser(), decoy.For(hasher), password);
    }
}
