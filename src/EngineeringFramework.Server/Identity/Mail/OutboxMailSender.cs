using System.Globalization;
using System.Text;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// No SMTP server configured: each message becomes a file in <c>DATA_DIR/outbox/</c> (mode 0600, it holds a
/// single-use link), and the file's path is logged. The link itself is logged only in Development, where it saves
/// opening the file; elsewhere a log line must not be enough to take over an account.
/// </summary>
internal sealed partial class OutboxMailSender(ServerSettings settings, IHostEnvironment environment, TimeProvider time, ILogger<OutboxMailSender> logger) : IMailTransport
{
    // Messages sent within one millisecond (one delivery round) still sort in the order they were sent.
    private static long sequence;

    /// <summary>How each message's file name begins: the time it was written (UTC), so names sort in writing order.</summary>
    public const string FileStampFormat = "yyyyMMdd'T'HHmmssfff";

    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "outbox");

    public Task SendAsync(MailMessage mail, CancellationToken cancellationToken)
    {
        var folder = Folder(settings.DataDirectory);
        Directory.CreateDirectory(folder);
        var stamp = time.GetUtcNow().ToString(FileStampFormat, CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, $"{stamp}-{Interlocked.Increment(ref sequence):D8}-{Guid.NewGuid():N}.eml");
        var text = new StringBuilder()
            .Append("To: ").AppendLine(mail.To)
            .Append("Subject: ").AppendLine(mail.Subject)
            .AppendLine("Content-Type: text/plain; charset=utf-8")
            .AppendLine()
            .AppendLine(mail.TextBody)
            .ToString();
        // Written aside and then renamed, so whoever watches the folder (a person, a test) never reads a half-written message.
        var partial = path + ".partial";
        DevelopmentKeys.WriteSecretFile(partial, text);
        File.Move(partial, path);

        if (environment.IsDevelopment() && mail.Link is not null)
        {
            LogWrittenWithLink(logger, path, mail.Link);
        }
        else
        {
            LogWritten(logger, path);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP is not configured: mail written to {Path}")]
    private static partial void LogWritten(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP is not configured: mail written to {Path}; its link (Development only): {Link}")]
    private static partial void LogWrittenWithLink(ILogger logger, string path, Uri link);
}
