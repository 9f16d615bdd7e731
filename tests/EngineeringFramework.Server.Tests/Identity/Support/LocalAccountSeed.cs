using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>Local accounts made directly in the identity store, for tests about what happens to them afterwards.</summary>
internal static class LocalAccountSeed
{
    public static async Task CreateAsync(TestApp app, string email, bool confirmed = true, bool locked = false)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = confirmed };
        Assert.True((await users.CreateAsync(user, Accounts.Password)).Succeeded);
        if (locked)
        {
            Assert.True((await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
        }
    }
}
