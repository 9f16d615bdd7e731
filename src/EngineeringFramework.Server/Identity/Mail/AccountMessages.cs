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

    public static MailMessage PasswordChanged(string to) => new(
        to,
        "Your Engineering Framework password was changed",
        "The password of your account was just changed. Every other browser was signed out and connected apps were disconnected.\n\nIf you did not change it, reset your password now from the sign-in page.");

    public static MailMessage AddressTaken(string to) => new(
        to,
        "Someone tried to use your address for another Engineering Framework account",
        "Someone signed in to another Engineering Framework account asked to change that account's address to this one, which already belongs to your account. Nothing was changed, and you need do nothing.");

    public static MailMessage ConfirmNewAddress(string to, Uri link) => new(
        to,
        "Confirm your new Engineering Framework address",
        $"Open this link within an hour to make this the address of your Engineering Framework account:\n\n{link}\n\nIf you did not ask for this, ignore this message; nothing changes.",
        Link: link);

    public static MailMessage AddressChangeRequested(string to, string newAddress) => new(
        to,
        "A change of your Engineering Framework address was requested",
        $"Someone signed in to your account asked to change its address to {newAddress}. The change happens only when the link sent there is opened.\n\nIf this was not you, change your password now and use \"Sign out everywhere\" on your account page.");
}
