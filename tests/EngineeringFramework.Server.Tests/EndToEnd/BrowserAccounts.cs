using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>Account steps for browser journeys where the account is the setting, not the subject.</summary>
internal static class BrowserAccounts
{
    /// <summary>A confirmed account with <see cref="Accounts.Password"/>, made as <c>admin create-user</c> makes one.</summary>
    public static async Task<IdentityUser> CreateConfirmedAsync(TestApp app, string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, Accounts.Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>Fills and submits the sign-in form the page shows now.</summary>
    public static async Task SubmitSignInAsync(IPage page, string email)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in from the sign-in page and waits until the browser has left it.</summary>
    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/SignIn");
        await SubmitSignInAsync(page, email);
        await LeftAsync(page, "/Account/SignIn");
    }

    /// <summary>
    /// Waits until the browser has moved on from <paramref name="path"/>, by watching the page's address (Playwright's
    /// retrying assertion), not its load events: <c>WaitForURLAsync</c> also waits for a load state, and on a busy machine
    /// it once missed a navigation that had already happened (the next page was on screen) and timed out.
    /// </summary>
    public static Task LeftAsync(IPage page, string path)
        => Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^[a-z]+://[^/]+" + System.Text.RegularExpressions.Regex.Escape(path)), new() { Timeout = 60_000 });
}
