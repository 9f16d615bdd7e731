using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Mail;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class MailSettingsTests
{
    private static (EngineeringFramework.Core.Mail.MailDeliveryOptions? Options, IReadOnlyList<string> Errors) Read(Dictionary<string, string?> values)
        => MailSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Without_settings_the_worker_runs_every_ten_seconds_with_a_thirty_second_send_timeout()
    {
        var (options, errors) = Read([]);

        Assert.Empty(errors);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 8, true), (options!.PollInterval, options.SendTimeout, options.MaxAttempts, options.RunWorker));
        Assert.True(options.LeaseDuration > options.SendTimeout);
    }

    [Fact]
    public void Settings_are_read_from_the_mail_section()
    {
        var (options, errors) = Read(new()
        {
            [MailSettings.PollSecondsKey] = "2",
            [MailSettings.SendTimeoutSecondsKey] = "5",
            [MailSettings.MaxAttemptsKey] = "3",
            [MailSettings.RunWorkerKey] = "false",
        });

        Assert.Empty(errors);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), 3, false), (options!.PollInterval, options.SendTimeout, options.MaxAttempts, options.RunWorker));
    }

    [Fact]
    public void Malformed_settings_stop_the_start_and_each_is_named()
    {
        var (options, errors) = Read(new()
        {
            [MailSettings.PollSecondsKey] = "soon",
            [MailSettings.SendTimeoutSecondsKey] = "0",
            [MailSettings.MaxAttemptsKey] = "-1",
            [MailSettings.RunWorkerKey] = "maybe",
        });

        Assert.Null(options);
        Assert.Equal(
            [MailSettings.PollSecondsKey, MailSettings.SendTimeoutSecondsKey, MailSettings.MaxAttemptsKey, MailSettings.RunWorkerKey],
            errors.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public void The_server_refuses_to_start_with_a_malformed_mail_setting_and_names_it()
    {
        var error = new StringWriter();

        var app = ServerHost.Build(["--environment", "Development"], error, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [MailSettings.PollSecondsKey] = "soon" }));

        Assert.Null(app);
        Assert.Contains($"{MailSettings.PollSecondsKey} must be a whole number", error.ToString(), StringComparison.Ordinal);
    }
}
