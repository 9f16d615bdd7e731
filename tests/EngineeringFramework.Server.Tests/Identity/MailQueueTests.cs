using System.Globalization;
using System.Net;
using System.Text;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Identity.Mail;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class MailQueueTests
{
    /// <summary>Generous: a request that waited on the silent mail server would never finish, and fails here instead of hanging.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_up_and_reset_requests_return_at_once_while_smtp_never_answers_and_the_mail_goes_out_when_it_comes_back()
    {
        await using var smtp = new FakeSmtpServer();
        await using var app = await TestApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["SMTP_HOST"] = "127.0.0.1",
                ["SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
                ["SMTP_FROM"] = "no-reply@ef.example.test",
                // The test is the worker here, on a clock it controls.
                [MailSettings.RunWorkerKey] = "false",
            },
            listenOnPublicUrl: true);
        await LocalAccountSeed.CreateAsync(app, "ada@example.test");
        var options = app.App.Services.GetRequiredService<MailDeliveryOptions>();

        using var signUp = await SignUpAsync(app, "new@example.test").WaitAsync(Bound, Cancel);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var worker = new MailDelivery(app.App.Services.GetRequiredService<IServiceScopeFactory>(), options, time, app.App.Services.GetRequiredService<ILogger<MailDelivery>>());
        var stuckRound = worker.DeliverDueAsync(Cancel);
        await smtp.SilentConnectionAccepted.WaitAsync(Bound, Cancel);
        using var resetBrowser = new BrowserSession(app.BaseAddress);
        using var reset = await resetBrowser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "ada@example.test" }).WaitAsync(Bound, Cancel);
        var whileSilent = await MailQueueRows.ReadAsync(app);
        var receivedWhileSilent = smtp.Received.Count;

        smtp.ComeBack();
        time.Advance(options.SendTimeout);
        await stuckRound.WaitAsync(Bound, Cancel);
        time.Advance(options.MaxBackoff);
        await worker.DeliverDueAsync(Cancel);
        var afterwards = await MailQueueRows.ReadAsync(app);

        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        Assert.Contains("Check your email", await signUp.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Contains("If an account uses this address", await reset.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal([MailKind.Message, MailKind.PasswordReset], whileSilent.Select(m => m.Kind));
        Assert.DoesNotContain(whileSilent, m => m.Status == MailStatus.Delivered);
        Assert.Equal(0, receivedWhileSilent);
        Assert.Equal(
            [("ada@example.test", "Reset your Engineering Framework password"), ("new@example.test", "Confirm your Engineering Framework account")],
            smtp.Received.Select(m => (m.To.Mailboxes.Single().Address, m.Subject)).Order());
        Assert.All(afterwards, m => Assert.Equal((MailStatus.Delivered, (byte[]?)null), (m.Status, m.SealedContent)));
        Assert.Contains(afterwards, m => m.Attempts == 2);
        // The timed-out attempt was logged, without the recipient.
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("(timeout)", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Message.Contains("new@example.test", StringComparison.Ordinal) || r.Message.Contains("ada@example.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_worker_sends_mail_queued_in_this_process_at_once_without_waiting_for_its_poll()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { [MailSettings.PollSecondsKey] = "3600" }, listenOnPublicUrl: true);

        using var signUp = await SignUpAsync(app, "prompt@example.test");

        // Nothing in the test delivers: only the worker, woken by the enqueue, can write the file. A bounded wait for
        // that condition, not a sleep; with the poll at an hour, a worker that is not woken fails it.
        var deadline = DateTime.UtcNow + Bound;
        while (Outbox.Written(app.DataDirectory).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Cancel);
        }

        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        Assert.Contains("To: prompt@example.test", Assert.Single(Outbox.Written(app.DataDirectory)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_queued_confirmation_shows_neither_address_nor_link_in_the_database_and_its_body_is_gone_once_sent()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { [MailSettings.RunWorkerKey] = "false" }, listenOnPublicUrl: true);

        using var signUp = await SignUpAsync(app, "lin@example.test");
        var queued = Assert.Single(await MailQueueRows.ReadAsync(app));
        var link = await Outbox.LinkToAsync(app, "/Account/ConfirmEmail");
        var code = QueryHelpers.ParseQuery(new Uri(app.BaseAddress, link).Query)["code"].ToString();
        var sent = Assert.Single(await MailQueueRows.ReadAsync(app));

        var stored = string.Join('\n', queued.Kind, queued.Status, queued.LastError, queued.LeaseOwner, Encoding.Latin1.GetString(queued.SealedContent!), Encoding.UTF8.GetString(queued.SealedContent!));
        Assert.True(code.Length > 20);
        Assert.DoesNotContain(code, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(code), stored, StringComparison.Ordinal);
        Assert.DoesNotContain("lin@example.test", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("ConfirmEmail", stored, StringComparison.Ordinal);
        Assert.Equal(MailStatus.Delivered, sent.Status);
        Assert.Null(sent.SealedContent);
    }

    private static async Task<HttpResponseMessage> SignUpAsync(TestApp app, string email)
    {
        using var browser = new BrowserSession(app.BaseAddress);
        return await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["Input.ConfirmPassword"] = Accounts.Password,
        });
    }
}
