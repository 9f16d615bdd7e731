using System.Globalization;
using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>The <c>Mail:*</c> settings of the delivery worker (environment: <c>Mail__PollSeconds</c> …), validated at start-up.</summary>
internal static class MailSettings
{
    public const string PollSecondsKey = "Mail:PollSeconds";
    public const string SendTimeoutSecondsKey = "Mail:SendTimeoutSeconds";
    public const string MaxAttemptsKey = "Mail:MaxAttempts";
    public const string RunWorkerKey = "Mail:RunWorker";

    public static (MailDeliveryOptions? Options, IReadOnlyList<string> Errors) Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var defaults = new MailDeliveryOptions();
        var poll = ReadInt(configuration, PollSecondsKey, (int)defaults.PollInterval.TotalSeconds, 1, 3600, errors);
        var sendTimeout = ReadInt(configuration, SendTimeoutSecondsKey, (int)defaults.SendTimeout.TotalSeconds, 1, 600, errors);
        var maxAttempts = ReadInt(configuration, MaxAttemptsKey, defaults.MaxAttempts, 1, 100, errors);
        var runWorker = defaults.RunWorker;
        if (configuration[RunWorkerKey] is { Length: > 0 } raw && !bool.TryParse(raw, out runWorker))
        {
            errors.Add($"{RunWorkerKey} must be true or false.");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (defaults with
        {
            PollInterval = TimeSpan.FromSeconds(poll),
            SendTimeout = TimeSpan.FromSeconds(sendTimeout),
            MaxAttempts = maxAttempts,
            RunWorker = runWorker,
        }, errors);
    }

    private static int ReadInt(IConfiguration configuration, string key, int fallback, int min, int max, List<string> errors)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{key} must be a whole number from {min} to {max}.");
            return fallback;
        }

        return value;
    }
}
