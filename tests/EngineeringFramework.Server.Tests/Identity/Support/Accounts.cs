using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>Account steps through the real pages, as a person in a browser would take them.</summary>
internal static class Accounts
{
    public const string Password = "correct horse battery staple";

    public static async Task SignUpAndConfirmAsync(BrowserSession browser, TestApp app, string email)
    {
        using var signUp = await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        Assert.Contains("Check your email", await signUp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using var confirm = await browser.GetAsync(await Outbox.LinkToAsync(app, "/Account/ConfirmEmail?", email));
        Assert.Contains("Your address is confirmed", await confirm.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public static Task<HttpResponseMessage> SignInAsync(BrowserSession browser, string email, string password, string? returnUrl = null)
        => browser.SubmitAsync(
            "/Account/SignIn" + (returnUrl is null ? string.Empty : "?returnUrl=" + Uri.EscapeDataString(returnUrl)),
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password, ["ReturnUrl"] = returnUrl ?? "/" });
}
