using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Changing the sign-in address: a link to the new address applies it (address and user name together, and the product's
/// copy), the old address is told; an address that already has an account gets the same answer and no link, and only its
/// owner hears of it.
/// </summary>
public sealed partial class ChangeEmailTests
{
    private const string Email = "before@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_link_sent_to_the_new_address_changes_it_and_only_the_new_address_signs_in_afterwards()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app, Email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/onboarding")).StatusCode);

        using (var requested = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "after@example.test", ["Input.CurrentPassword"] = Accounts.Password }))
        {
            Assert.Contains("We sent a confirmation link to after@example.test", await requested.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var mail = (await Outbox.MessagesAsync(app));
        Assert.Contains(mail, m => m.Contains("To: " + Email, StringComparison.Ordinal) && m.Contains("asked to change its address to after@example.test", StringComparison.Ordinal));
        var toNew = Assert.Single(mail, m => m.Contains("To: after@example.test", StringComparison.Ordinal));
        Assert.Contains("/Account/ConfirmEmailChange", toNew, StringComparison.Ordinal);

        // Nothing changes until the link is opened.
        using (var stillOld = new BrowserSession(app.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Accounts.SignInAsync(stillOld, Email, Accounts.Password)).StatusCode);
        }

        var link = await Outbox.LinkToAsync(app, "/Account/ConfirmEmailChange");
        using (var anywhere = new BrowserSession(app.BaseAddress))
        {
            using var confirmed = await anywhere.GetAsync(link);
            var html = await confirmed.Content.ReadAsStringAsync(Cancel);
            ProductLayout.AssertUsedBy(html, link);
            Assert.Contains("Your account's address is now after@example.test", html, StringComparison.Ordinal);
            using var again = await anywhere.GetAsync(link);
            Assert.Contains("This link is invalid, used or expired", await again.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // The address is the user name: the new one signs in, the old one no longer does; the browser that was signed in must sign in again.
        using (var withNew = new BrowserSession(app.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Accounts.SignInAsync(withNew, "after@example.test", Accounts.Password)).StatusCode);
        }

        using (var withOld = new BrowserSession(app.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.OK, (await Accounts.SignInAsync(withOld, Email, Accounts.Password)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/Manage")).StatusCode);
        await using var scope = app.App.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync("after@example.test");
        Assert.Equal(("after@example.test", true), (account!.UserName, account.EmailConfirmed));

        // The product's copy followed (members lists and /api/v1/me show it).
        using var client = app.ClientWithToken(app.MintToken(account.Id, "after@example.test", app.App.Services.GetRequiredService<Audiences>().Api));
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel);
        Assert.Equal("after@example.test", me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task An_address_with_an_account_gets_the_same_answer_and_no_link_and_only_its_owner_is_told()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using (var owner = new BrowserSession(app.BaseAddress))
        {
            await Accounts.SignUpAndConfirmAsync(owner, app, "taken@example.test");
        }

        using var browser = await SignedInAsync(app, Email);
        using var free = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "free@example.test", ["Input.CurrentPassword"] = Accounts.Password });
        var before = (await Outbox.MessagesAsync(app)).Count;
        using var taken = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "taken@example.test", ["Input.CurrentPassword"] = Accounts.Password });

        Assert.Equal(free.StatusCode, taken.StatusCode);
        Assert.Equal(
            Normalized(await free.Content.ReadAsStringAsync(Cancel), "free@example.test"),
            Normalized(await taken.Content.ReadAsStringAsync(Cancel), "taken@example.test"));
        var mail = (await Outbox.MessagesAsync(app)).Skip(before).ToList();
        Assert.Equal(2, mail.Count);
        Assert.Contains(mail, m => m.Contains("To: " + Email, StringComparison.Ordinal) && m.Contains("asked to change its address to taken@example.test", StringComparison.Ordinal));
        var toOwner = Assert.Single(mail, m => m.Contains("To: taken@example.test", StringComparison.Ordinal));
        Assert.Contains("already belongs to your account", toOwner, StringComparison.Ordinal);
        Assert.DoesNotContain("/Account/ConfirmEmailChange", toOwner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_or_unchanged_address_is_refused_beside_its_field()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app, Email);
        var before = (await Outbox.MessagesAsync(app)).Count;

        using var bad = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "not an address", ["Input.CurrentPassword"] = Accounts.Password });
        using var same = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = Email.ToUpperInvariant(), ["Input.CurrentPassword"] = Accounts.Password });

        Assert.Contains("<p class=\"field-error\" id=\"Input_NewEmail-error\">", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("This is already your address.", await same.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(before, (await Outbox.MessagesAsync(app)).Count);
    }

    /// <summary>The page with the address typed and the per-response antiforgery token taken out.</summary>
    private static string Normalized(string html, string address)
        => AntiforgeryValue().Replace(html.Replace(address, "X", StringComparison.Ordinal), "value=\"\"");

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" )value=\"[^\"]*\"")]
    private static partial Regex AntiforgeryValue();

    private static async Task<BrowserSession> SignedInAsync(TestApp app, string email)
    {
        var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, email);
        using var signedIn = await Accounts.SignInAsync(browser, email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }
}
