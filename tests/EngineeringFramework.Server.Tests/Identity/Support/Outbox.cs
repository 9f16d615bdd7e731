using System.Text.RegularExpressions;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Identity.Mail;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// The mail the server wrote to DATA_DIR/outbox/ (no SMTP in tests). Mail leaves through the queue in the background,
/// so each read first delivers everything due, through the call the background worker makes; it waits for a round the
/// worker may be running, so what was queued before the read is in the outbox when it is read. No sleeps.
/// </summary>
internal static partial class Outbox
{
    public static async Task<IReadOnlyList<string>> MessagesAsync(TestApp app)
    {
        await DeliverDueAsync(app);
        return Written(app.DataDirectory);
    }

    /// <summary>
    /// Path and query of the first link to <paramref name="page"/> in the messages (only those addressed to
    /// <paramref name="to"/>, when given), for a relative request.
    /// </summary>
    public static async Task<string> LinkToAsync(TestApp app, string page, string? to = null)
    {
        foreach (var message in (await MessagesAsync(app)).Where(m => to is null || m.Contains("To: " + to, StringComparison.OrdinalIgnoreCase)))
        {
            var match = Link().Match(message);
            if (match.Success && match.Value.Contains(page, StringComparison.Ordinal))
            {
                return new Uri(match.Value).PathAndQuery;
            }
        }

        throw new InvalidOperationException($"No mail with a link to {page}.");
    }

    public static Task DeliverDueAsync(TestApp app)
        => app.App.Services.GetRequiredService<MailDelivery>().DeliverDueAsync(TestContext.Current.CancellationToken);

    /// <summary>What is in the outbox now, delivering nothing.</summary>
    public static IReadOnlyList<string> Written(string dataDirectory)
    {
        var folder = OutboxMailSender.Folder(dataDirectory);
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
