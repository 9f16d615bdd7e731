using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Identity.Accounts;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// The delivery worker's hands: a queued message goes to the transport as it is; a password reset request becomes a
/// reset link only now, in the background, and only for a confirmed local account. That lookup and the token are off
/// the request path on purpose: the page did the same work (one insert) for every address, so neither its answer nor
/// its timing tells a guesser whether the address has an account.
/// </summary>
internal sealed class MailDispatcher(IMailTransport transport, IServiceProvider services) : IMailDispatcher
{
    public async Task<DispatchOutcome> DispatchAsync(MailKind kind, MailMessage message, CancellationToken cancellationToken)
    {
        if (kind == MailKind.PasswordReset)
        {
            if (await ComposeResetAsync(message.To) is not { } reset)
            {
                return DispatchOutcome.NothingToSend;
            }

            message = reset;
        }

        await transport.SendAsync(message, cancellationToken);
        return DispatchOutcome.Sent;
    }

    /// <summary>
    /// A fresh reset link (valid an hour from now, not from the request) for a confirmed local account; null for any
    /// other address, and in external mode, where the provider owns passwords and no local account exists.
    /// </summary>
    private async Task<MailMessage?> ComposeResetAsync(string address)
    {
        var users = services.GetService<UserManager<IdentityUser>>();
        if (users is null || await users.FindByEmailAsync(address) is not { } user || !await users.IsEmailConfirmedAsync(user))
        {
            return null;
        }

        var code = await users.GeneratePasswordResetTokenAsync(user);
        return AccountMessages.ResetPassword(user.Email!, services.GetRequiredService<AccountLinks>().ResetPassword(user.Email!, code));
    }
}
