using System.Globalization;
using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>One message of the development outbox, as the page shows it.</summary>
internal sealed record OutboxMessage(string FileName, DateTimeOffset? WrittenAt, string To, string Subject, string Body, IReadOnlyList<Uri> Links);

/// <summary>
/// The messages <see cref="OutboxMailSender"/> wrote, for the development mail page (<c>/Account/DevelopmentMail</c>):
/// someone trying the product on their machine signs up, is told to confirm by email, and finds the message there
/// instead of in a folder nothing pointed to. Offered only in Development and only when mail goes to the outbox; in
/// every other environment the page answers 404, since the outbox holds single-use links that take over accounts.
/// </summary>
internal static partial class DevelopmentOutbox
{
    public const string PagePath = "/Account/DevelopmentMail";

    /// <summary>The most messages the page lists, newest first.</summary>
    public const int Shown = 50;

    public static bool IsOffered(IHostEnvironment environment, IMailTransport transport) => environment.IsDevelopment() && transport is OutboxMailSender;

    public static IReadOnlyList<OutboxMessage> Read(string dataDirectory)
    {
        var folder = OutboxMailSender.Folder(dataDirectory);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        // File names start with the time written and a sequence number, so the name orders them.
        return [.. Directory.EnumerateFiles(folder, "*.eml")
            .Select(Path.GetFileName)
            .OrderDescending(StringComparer.Ordinal)
            .Take(Shown)
            .Select(name => Parse(name!, File.ReadAllText(Path.Combine(folder, name!))))];
    }

    // The stamp's length: the format less the two quotes around its literal 'T'.
    private static readonly int StampLength = OutboxMailSender.FileStampFormat.Replace("'", string.Empty, StringComparison.Ordinal).Length;

    internal static OutboxMessage Parse(string fileName, string text)
    {
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal) is var lf and >= 0 ? lf : text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = headerEnd >= 0 ? text[..headerEnd] : string.Empty;
        var body = headerEnd >= 0 ? text[headerEnd..].Trim() : text;
        string Header(string name) => headers.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase))?[(name.Length + 2)..] ?? string.Empty;
        DateTimeOffset? written = fileName.Length >= StampLength && DateTime.TryParseExact(fileName[..StampLength], OutboxMailSender.FileStampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;
        var links = Link().Matches(body)
            .Select(m => Uri.TryCreate(m.Value.TrimEnd('.', ',', ')'), UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .Where(u => u.Scheme is "http" or "https")
            .Distinct()
            .ToList();
        return new OutboxMessage(fileName, written, Header("To"), Header("Subject"), body, links);
    }

    [GeneratedRegex(@"https?://[^\s<>""']+")]
    private static partial Regex Link();
}
