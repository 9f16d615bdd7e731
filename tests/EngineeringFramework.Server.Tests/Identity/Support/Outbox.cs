using System.Text.RegularExpressions;
using EngineeringFramework.Server.Identity.Mail;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>The mail the server wrote to DATA_DIR/outbox/ (no SMTP in tests).</summary>
internal static partial class Outbox
{
    public static IReadOnlyList<string> Messages(string dataDirectory)
    {
        var folder = OutboxMailSender.Folder(dataDirectory);
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
    }

    /// <summary>
    /// Path and query of the first link to <paramref name="page"/> in the messages (only those addressed to
    /// <paramref name="to"/>, when given), for a relative request.
    /// </summary>
    public static string LinkTo(string dataDirectory, string page, string? to = null)
    {
        foreach (var message in Messages(dataDirectory).Where(m => to is null || m.Contains("To: " + to, StringComparison.OrdinalIgnoreCase)))
        {
            var match = Link().Match(message);
            if (match.Success && match.Value.Contains(page, StringComparison.Ordinal))
            {
                return new Uri(match.Value).PathAndQuery;
            }
        }

        throw new InvalidOperationException($"No mail with a link to {page}.");
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
