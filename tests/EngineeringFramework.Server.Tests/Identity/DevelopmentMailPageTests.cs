using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Identity.Mail;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// On the embedded default in Development, a newcomer who signs up is told to confirm by email; the confirmation screen
/// points to the development mail page, which lists the message with its link, and following it confirms the account.
/// In any other environment the page does not exist and nothing points to it.
/// </summary>
public sealed partial class DevelopmentMailPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_newcomer_follows_the_confirmation_screen_to_the_development_mail_and_its_link_to_a_confirmed_sign_in()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = new BrowserSession(app.BaseAddress);
        const string email = "newcomer@example.test";

        using var signedUp = await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["Input.ConfirmPassword"] = Accounts.Password,
        });
        var screen = await signedUp.Content.ReadAsStringAsync(Cancel);
        Assert.Contains($"href=\"{DevelopmentOutbox.PagePath}\"", screen, StringComparison.Ordinal);

        // The message leaves through the mail queue; deliver what is due, as the background worker would.
        await Outbox.DeliverDueAsync(app);
        using var mail = await browser.GetAsync(DevelopmentOutbox.PagePath);
        var page = await mail.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, mail.StatusCode);
        Assert.Contains("To " + email, page, StringComparison.Ordinal);
        var link = ConfirmLink().Match(page);
        Assert.True(link.Success, "The page lists no confirmation link.");
        using (var unconfirmed = await Accounts.SignInAsync(browser, email, Accounts.Password))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, unconfirmed.StatusCode);
        }

        using var confirmed = await browser.GetAsync(new Uri(WebUtility.HtmlDecode(link.Value)).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        using var signedIn = await Accounts.SignInAsync(browser, email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Outside_Development_the_page_does_not_exist_even_with_mail_in_the_outbox()
    {
        await using var app = await TestApp.StartAsync("Production");
        var outbox = OutboxMailSender.Folder(app.DataDirectory);
        Directory.CreateDirectory(outbox);
        await File.WriteAllTextAsync(Path.Combine(outbox, "20261207T000000000-00000001-x.eml"), "To: a@example.test\nSubject: Reset\n\nhttps://ef.example.test/Account/ResetPassword?code=secret\n", Cancel);

        using var request = new HttpRequestMessage(HttpMethod.Get, DevelopmentOutbox.PagePath);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await app.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("code=secret", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"https?://[^""<\s]+/Account/ConfirmEmail[^""<\s]*")]
    private static partial Regex ConfirmLink();
}
