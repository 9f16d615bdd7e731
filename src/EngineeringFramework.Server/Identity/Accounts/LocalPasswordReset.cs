using EngineeringFramework.Server.Identity.Mail;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>Mails a reset link to a confirmed local account; for any other address, does nothing visible.</summary>
internal sealed class LocalPasswordReset(UserManager<IdentityUser> users, AccountLinks links, IAccountMailSender mail) : IPasswordResetRequester
{
    public async Task RequestAsync(string email, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null || !await users.IsEmailConfirmedAsync(user))
        {
            return;
        }

        var code = await users.GeneratePasswordResetTokenAsync(user);
        var link = links.ResetPassword(user.Email!, code);
        await mail.SendAsync(
            new AccountMail(user.Email!, "Reset your Engineering Framework password", $"Someone asked to reset the password of this account. If it was you, open this link within an hour:\n\n{link}\n\nIf it was not you, ignore this message; your password is unchanged.", link),
            cancellationToken);
    }
}
