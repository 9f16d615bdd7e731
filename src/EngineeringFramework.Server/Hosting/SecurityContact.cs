using System.Net.Mail;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// <c>SECURITY_CONTACT</c>: where people report vulnerabilities in this deployment, published in
/// <c>/.well-known/security.txt</c> and on the <c>/security</c> page. A <c>mailto:</c> or <c>https:</c> URI (RFC 9116
/// allows no other web scheme), or a bare address, which becomes <c>mailto:</c>. Optional: without it no security.txt
/// is served (a file without its required Contact would be invalid) and the page says no contact is published.
/// </summary>
internal static class SecurityContact
{
    public const string Key = "SECURITY_CONTACT";

    public static Uri? Read(string? raw, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = raw.Trim();
        if (value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) && IsPlainAddress(value["mailto:".Length..]))
        {
            return new Uri("mailto:" + value["mailto:".Length..]);
        }

        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(value, UriKind.Absolute, out var web) && web.Scheme == Uri.UriSchemeHttps
            && !string.IsNullOrEmpty(web.Host) && string.IsNullOrEmpty(web.UserInfo) && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return web;
        }

        if (IsPlainAddress(value))
        {
            return new Uri("mailto:" + value);
        }

        // The value is not echoed: a misplaced secret in the wrong variable should not reach the log.
        errors.Add($"{Key} must be a mailto: or https: URI, or an email address (for example security@example.com, mailto:security@example.com or https://example.com/report-a-vulnerability).");
        return null;
    }

    /// <summary>An address alone: no display name, no spaces, no query (<c>?subject=</c>) to smuggle into a URI.</summary>
    private static bool IsPlainAddress(string value)
        => value.Length is > 2 and <= 254
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '?' or '#' or '"' or ',' or ';')
            && MailAddress.TryCreate(value, out var address)
            && address.Address == value
            && address.Host.Contains('.', StringComparison.Ordinal);
}
