using System.Globalization;
using System.Net.Mail;

namespace EngineeringFramework.Server.Identity;

/// <summary>Outgoing mail server; optional: without it, mail is written to <c>DATA_DIR/outbox/</c>.</summary>
internal sealed record SmtpSettings(string Host, int Port, string? Username, string? Password, string From)
{
    public static SmtpSettings? Read(IConfiguration configuration, List<string> errors)
    {
        var host = configuration[IdentitySettings.SmtpHostKey];
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var port = 587;
        if (configuration[IdentitySettings.SmtpPortKey] is { Length: > 0 } rawPort
            && (!int.TryParse(rawPort, NumberStyles.Integer, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            errors.Add($"{IdentitySettings.SmtpPortKey} must be a port number (1-65535).");
        }

        var from = configuration[IdentitySettings.SmtpFromKey];
        if (string.IsNullOrWhiteSpace(from) || !MailAddress.TryCreate(from, out _))
        {
            errors.Add($"{IdentitySettings.SmtpFromKey} must be the sender address when {IdentitySettings.SmtpHostKey} is set.");
        }

        var username = configuration[IdentitySettings.SmtpUsernameKey];
        var password = configuration[IdentitySettings.SmtpPasswordKey];
        if (string.IsNullOrEmpty(username) != string.IsNullOrEmpty(password))
        {
            errors.Add($"{IdentitySettings.SmtpUsernameKey} and {IdentitySettings.SmtpPasswordKey} must be set together.");
        }

        return new SmtpSettings(host.Trim(), port, NullIfEmpty(username), NullIfEmpty(password), from?.Trim() ?? string.Empty);
    }

    // Records print every member; the password must never reach a log line or an exception message.
    public override string ToString() => $"smtp://{Host}:{Port}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
