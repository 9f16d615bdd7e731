using System.Globalization;
using System.Net;
using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Core.Members;

/// <summary>The invitation message. Organization and inviter names are user input: HTML-encoded in the HTML part, control characters stripped from the subject.</summary>
internal static class InvitationMail
{
    public static MailMessage Compose(string to, string organization, string? inviter, string link, DateTime expiresAt)
    {
        var who = string.IsNullOrWhiteSpace(inviter) ? "Someone" : inviter;
        var expires = expiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = new string($"You're invited to join {organization} on Engineering Framework".Where(c => !char.IsControl(c)).ToArray());
        var text = $"""
            {who} invited you to join {organization} on Engineering Framework.

            Accept the invitation: {link}

            Sign in with this address ({to}) to accept: the invitation works only for the account with this confirmed address.
            The link works once and expires on {expires}. If you did not expect it, ignore this message.
            """;
        var html = $"""
            <p>{WebUtility.HtmlEncode(who)} invited you to join <strong>{WebUtility.HtmlEncode(organization)}</strong> on Engineering Framework.</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Accept the invitation</a></p>
            <p>Sign in with this address ({WebUtility.HtmlEncode(to)}) to accept: the invitation works only for the account with this confirmed address.
            The link works once and expires on {expires}. If you did not expect it, ignore this message.</p>
            """;
        return new MailMessage(to, subject, text, html);
    }
}
