using System.Net;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Server.Identity.Mail;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Whether an address has an account must not show in the work a request does (its timing), only in mail to that
/// address. A password hash dwarfs everything else a request does, so the tests count hashes instead of timing them.
/// </summary>
public sealed class AccountEnumerationTests
{
    private const string WrongPassword = "not the right passphrase";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_in_verifies_one_password_hash_for_an_unknown_address_as_for_every_kind_of_account()
    {
        PasswordHashWork work = null!;
        await using var app = await TestApp.StartAsync(configure: b => work = CountingPasswordHasher.Install(b), listenOnPublicUrl: true);
        await LocalAccountSeed.CreateAsync(app, "known@example.test");
        await LocalAccountSeed.CreateAsync(app, "unconfirmed@example.test", confirmed: false);
        await LocalAccountSeed.CreateAsync(app, "locked@example.test", locked: true);
        // The decoy hash is made once, on first use: make it before counting.
        await SignInAsync(app, "warm-up@example.test", WrongPassword);

        var unknown = await work.DuringAsync(() => SignInAsync(app, "nobody@example.test", WrongPassword));
        var wrongPassword = await work.DuringAsync(() => SignInAsync(app, "known@example.test", WrongPassword));
        var unconfirmed = await work.DuringAsync(() => SignInAsync(app, "unconfirmed@example.test", Accounts.Password));
        var locked = await work.DuringAsync(() => SignInAsync(app, "locked@example.test", Accounts.Password));
        var rightPassword = await work.DuringAsync(() => SignInAsync(app, "known@example.test", Accounts.Password, HttpStatusCode.Redirect));

        Assert.Equal((0, 1), rightPassword);
        Assert.Equal(rightPassword, wrongPassword);
        Assert.Equal(rightPassword, unknown);
        Assert.Equal(rightPassword, unconfirmed);
        Assert.Equal(rightPassword, locked);
    }

    [Fact]
    public async Task Sign_up_hashes_once_and_queues_one_message_whether_or_not_the_address_is_taken_and_answers_the_same()
    {
        PasswordHashWork work = null!;
        await using var app = await TestApp.StartAsync(
            settings: new Dictionary<string, string?> { [MailSettings.RunWorkerKey] = "false" },
            configure: b => work = CountingPasswordHasher.Install(b),
            listenOnPublicUrl: true);
        await LocalAccountSeed.CreateAsync(app, "taken@example.test");

        string takenPage = "", freshPage = "";
        var taken = await work.DuringAsync(async () => takenPage = await SignUpAsync(app, "taken@example.test"));
        var queuedAfterTaken = (await MailQueueRows.ReadAsync(app)).Count;
        var fresh = await work.DuringAsync(async () => freshPage = await SignUpAsync(app, "fresh@example.test"));
        var queued = await MailQueueRows.ReadAsync(app);
        var mail = await Outbox.MessagesAsync(app);

        Assert.Equal((1, 0), fresh);
        Assert.Equal(fresh, taken);
        Assert.Equal(freshPage, takenPage);
        Assert.Equal(1, queuedAfterTaken);
        Assert.Equal([MailKind.Message, MailKind.Message], queued.Select(m => m.Kind));
        Assert.Contains(mail, m => m.Contains("To: taken@example.test", StringComparison.Ordinal) && m.Contains("You already have an Engineering Framework account", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.Contains("To: fresh@example.test", StringComparison.Ordinal) && m.Contains("/Account/ConfirmEmail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forgot_password_does_the_same_request_work_for_an_account_and_an_unknown_address()
    {
        PasswordHashWork work = null!;
        await using var app = await TestApp.StartAsync(
            settings: new Dictionary<string, string?> { [MailSettings.RunWorkerKey] = "false" },
            configure: b => work = CountingPasswordHasher.Install(b),
            listenOnPublicUrl: true);
        await LocalAccountSeed.CreateAsync(app, "grace@example.test");

        var known = await work.DuringAsync(() => ForgotPasswordAsync(app, "grace@example.test"));
        var afterKnown = await MailQueueRows.ReadAsync(app);
        var unknown = await work.DuringAsync(() => ForgotPasswordAsync(app, "nobody@example.test"));
        var afterUnknown = await MailQueueRows.ReadAsync(app);
        var writtenByRequests = Outbox.Written(app.DataDirectory).Count;
        var mail = await Outbox.MessagesAsync(app);
        var outcomes = await MailQueueRows.ReadAsync(app);

        // Each request only queued the same kind of row; no account lookup result, token or mail left the request.
        Assert.Equal((0, 0), known);
        Assert.Equal(known, unknown);
        Assert.Equal((MailKind.PasswordReset, MailStatus.Queued), (Assert.Single(afterKnown).Kind, afterKnown[0].Status));
        Assert.Equal([(MailKind.PasswordReset, MailStatus.Queued), (MailKind.PasswordReset, MailStatus.Queued)], afterUnknown.Select(m => (m.Kind, m.Status)));
        Assert.Equal(0, writtenByRequests);
        // The worker decided: a link for the account, nothing for the unknown address.
        Assert.Contains("To: grace@example.test", Assert.Single(mail), StringComparison.Ordinal);
        Assert.Equal([MailStatus.Delivered, MailStatus.Dropped], outcomes.Select(m => m.Status));
    }

    private static async Task SignInAsync(TestApp app, string email, string password, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var browser = new BrowserSession(app.BaseAddress);
        using var response = await Accounts.SignInAsync(browser, email, password);
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<string> SignUpAsync(TestApp app, string email)
    {
        using var browser = new BrowserSession(app.BaseAddress);
        using var response = await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["Input.ConfirmPassword"] = Accounts.Password,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private static async Task ForgotPasswordAsync(TestApp app, string email)
    {
        using var browser = new BrowserSession(app.BaseAddress);
        using var response = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
