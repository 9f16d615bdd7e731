using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Hosting;

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
        var poll = SettingValues.ReadInt(configuration, PollSecondsKey, (int)defaults.PollInterval.TotalSeconds, 1, 3600, errors);
        var sendTimeout = SettingValues.ReadInt(configuration, SendTimeoutSecondsKey, (int)defaults.SendTimeout.TotalSeconds, 1, 600, errors);
        var maxAttempts = SettingValues.ReadInt(configuration, MaxAttemptsKey, defaults.MaxAttempts, 1, 100, errors);
        var runWorker = SettingValues.ReadBool(configuration, RunWorkerKey, defaults.RunWorker, errors);

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
}
