using System.Net;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Grants;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// <c>admin delete-user</c> does for operators what the account page does for a person: it asks for <c>--yes</c>, refuses
/// the last admin of an organization with the same message, and otherwise deletes the account, whose tokens a server of
/// the same deployment (another process) then refuses within its recheck window.
/// </summary>
public sealed class AccountDeletionCommandTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_user_needs_yes_refuses_the_last_admin_and_deletes_a_member_whose_tokens_the_server_then_refuses()
    {
        await using var deployment = await AdminDeployment.CreateAsync();
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "ada@example.test", "--password-stdin")).ExitCode);
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "ben@example.test", "--password-stdin")).ExitCode);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await deployment.StartServerAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        var audiences = server.App.Services.GetRequiredService<Audiences>();
        var adaSubject = await SubjectAsync(deployment, "ada@example.test");
        var benSubject = await SubjectAsync(deployment, "ben@example.test");
        var ada = await server.OnboardAsync(adaSubject, "Acme");
        var ben = await server.AddMemberAsync(ada.OrgId, benSubject);
        var benToken = server.MintToken(benSubject, "ben@example.test", audiences.Api);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(server, benToken));

        var unconfirmed = await deployment.AdminAsync(null, "delete-user", "--email", "ben@example.test");
        var lastAdmin = await deployment.AdminAsync(null, "delete-user", "--email", "ada@example.test", "--yes");
        var unknown = await deployment.AdminAsync(null, "delete-user", "--email", "nobody@example.test", "--yes");
        var unnamed = await deployment.AdminAsync(null, "delete-user", "--yes");
        var twoNames = await deployment.AdminAsync(null, "delete-user", "ben@example.test", "--email", "ada@example.test", "--yes");

        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Equal(1, lastAdmin.ExitCode);
        Assert.Contains(Core.Users.AccountDeletion.LastAdminMessage(["Acme"]), lastAdmin.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No account has the email nobody@example.test", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, unnamed.ExitCode);
        Assert.Contains("admin delete-user EMAIL", unnamed.Error, StringComparison.Ordinal);
        Assert.Equal(1, twoNames.ExitCode);
        Assert.Contains("Two different addresses", twoNames.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(server, benToken));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(server, server.MintToken(adaSubject, "ada@example.test", audiences.Api)));

        // The spelling: the address as the argument.
        var deleted = await deployment.AdminAsync(null, "delete-user", "ben@example.test", "--yes");

        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Contains($"Deleted the account ben@example.test (subject {benSubject}).", deleted.Output, StringComparison.Ordinal);

        // The server is another process: it learns of the deletion when its remembered verdict runs out.
        clock.Advance(GrantStanding.Recheck + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(server, benToken));
        await using var db = deployment.Database.CreateContext();
        Assert.False(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == ben.UserId, Cancel));
        Assert.False(await db.RelationshipTuples.BypassTenantFilter().AnyAsync(t => t.User == Fga.User(ben.UserId), Cancel));
        Assert.Equal("Deleted user", await db.Users.Where(u => u.Id == ben.UserId).Select(u => u.DisplayName).SingleAsync(Cancel));
        var again = await deployment.AdminAsync(null, "token", "--email", "ben@example.test", "--audience", AdminDeployment.Api);
        Assert.Equal(1, again.ExitCode);
    }

    private static async Task<string> SubjectAsync(AdminDeployment deployment, string email)
    {
        await using var db = deployment.Database.CreateContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.AuthSubject).SingleAsync(Cancel);
    }

    private static async Task<HttpStatusCode> MeAsync(TestApp server, string token)
    {
        using var client = server.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
