using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>The words of account mail, in one place.</summary>
internal static class AccountMessages
{
    public static MailMessage ConfirmAddress(string to, Uri link) => new(
        to,
        "Confirm your Engineering Framework account",
        $"Open this link within an hour to confirm your address:\n\n{link}\n\nIf you did not sign up, ignore this message.",
        Link: link);

    public static MailMessage AlreadyRegistered(string to) => new(
        to,
        "You already have an Engineering Framework account",
        "Someone tried to create an account with this address, which already has one. To get in, sign in or reset your password.");

    public static MailMessage ResetPassword(string to, Uri link) => new(
        to,
        "Reset your Engineering Framework password",
        $"Someone asked to reset the password of this account. If it was you, open this link within an hour:\n\n{link}\n\nIf it was not you, ignore this message; your password is unchanged.",
        Link: link);
}
