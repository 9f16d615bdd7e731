using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// Links from the account mail the server writes to <c>DATA_DIR/outbox/*.eml</c> when no SMTP server is configured.
/// Mail may leave in the background (a queue drained by a worker), so the reader waits for the message to be there, up
/// to a deadline, looking again at short intervals: it waits on the mail, never for a fixed time.
/// </summary>
internal static partial class MailedLinks
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Path and query of the newest link to <paramref name="page"/> in a message to <paramref name="recipient"/>, for a
    /// relative navigation; fails when none is written within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<string> WaitForAsync(string dataDirectory, string recipient, string page, TimeSpan timeout)
    {
        var folder = Path.Combine(dataDirectory, "outbox");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (Find(folder, recipient, page) is { } link)
            {
                return link;
            }

            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No mail to {recipient} with a link to {page} arrived in {folder} within {timeout.TotalSeconds:0} s.");
            }
        }
    }

    private static string? Find(string folder, string recipient, string page)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        // File names start with the time they were written: the newest message last.
        foreach (var file in Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Reverse())
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (!text.Contains("To: " + recipient, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // A link counts once the whitespace after it was written too: a message caught half-written yields nothing.
            foreach (Match match in Link().Matches(text))
            {
                var link = new Uri(match.Value).PathAndQuery;
                if (link.StartsWith(page, StringComparison.Ordinal))
                {
                    return link;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"https?://\S+(?=\s)")]
    private static partial Regex Link();
}
