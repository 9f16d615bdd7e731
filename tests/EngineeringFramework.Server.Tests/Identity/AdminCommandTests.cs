using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// <c>admin create-user|token|grant-super-admin|revoke-super-admin</c> run as processes against one deployment's
/// configuration (a data folder and a database); a server started on the same configuration then judges the token.
/// </summary>
public sealed class AdminCommandTests
{
    private const string PublicUrl = AdminDeployment.PublicUrl;
    private const string Api = AdminDeployment.Api;
    private const string Mcp = AdminDeployment.Mcp;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_user_then_token_gives_a_token_a_server_on_the_same_deployment_accepts()
    {
        await using var deployment = await AdminDeployment.CreateAsync();

        var created = await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "ada@example.test", "--password-stdin", "--name", "Ada Lovelace");
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Contains("Created the account ada@example.test", created.Output, StringComparison.Ordinal);

        var minted = await deployment.AdminAsync(null, "token", "--email", "ada@example.test", "--audience", Api);
        Assert.True(minted.ExitCode == 0, minted.Error);
        var token = minted.Output.Trim();
        Assert.DoesNotContain('\n', token);

        var header = Decode(token, 0);
        var payload = Decode(token, 1);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal(Api, payload.GetProperty("aud").GetString());
        Assert.Equal(PublicUrl + "/", payload.GetProperty("iss").GetString());
        Assert.Equal("ada@example.test", payload.GetProperty("email").GetString());
        var subject = payload.GetProperty("sub").GetString();
        Assert.Contains($"(subject {subject})", created.Output, StringComparison.Ordinal);
        var lifetime = payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64();
        Assert.Equal(15 * 60, lifetime);

        // The product user was made by create-user (its display name proves it), not by the first API call.
        await using var server = await deployment.StartServerAsync();
        using var client = server.ClientWithToken(token);
        using var me = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("ada@example.test", body.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", body.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Token_for_the_mcp_audience_works_there_only_and_honours_minutes()
    {
        await using var deployment = await AdminDeployment.CreateAsync();
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "mcp@example.test", "--password-stdin")).ExitCode);

        var minted = await deployment.AdminAsync(null, "token", "--email", "mcp@example.test", "--audience", Mcp, "--minutes", "1440");
        Assert.True(minted.ExitCode == 0, minted.Error);
        var token = minted.Output.Trim();
        var payload = Decode(token, 1);
        Assert.Equal(Mcp, payload.GetProperty("aud").GetString());
        Assert.Equal(1440 * 60, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());

        await using var server = await deployment.StartServerAsync(AudienceProbeEndpoints.AddTo);
        using var client = server.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(AudienceProbeEndpoints.McpProbe, UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel)).StatusCode);
    }

    [Fact]
    public async Task Token_is_refused_for_an_unknown_account_a_foreign_audience_and_an_out_of_range_lifetime()
    {
        await using var deployment = await AdminDeployment.CreateAsync();
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "known@example.test", "--password-stdin")).ExitCode);

        var unknown = await deployment.AdminAsync(null, "token", "--email", "nobody@example.test", "--audience", Api);
        var foreign = await deployment.AdminAsync(null, "token", "--email", "known@example.test", "--audience", "https://elsewhere.example.test/api");
        var tooLong = await deployment.AdminAsync(null, "token", "--email", "known@example.test", "--audience", Api, "--minutes", "1441");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No local account has the email nobody@example.test", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains($"API audience ({Api}) or MCP audience ({Mcp})", foreign.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, tooLong.ExitCode);
        Assert.Contains("--minutes must be from 1 to 1440", tooLong.Error, StringComparison.Ordinal);
        Assert.All(new[] { unknown, foreign, tooLong }, r => Assert.Equal(string.Empty, r.Output));
    }

    [Fact]
    public async Task Create_user_reports_password_policy_errors_duplicates_and_a_missing_password_with_exit_1()
    {
        await using var deployment = await AdminDeployment.CreateAsync();

        var weak = await deployment.AdminAsync("short", "create-user", "--email", "weak@example.test", "--password-stdin");
        var noFlag = await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "flag@example.test");
        var empty = await deployment.AdminAsync(string.Empty, "create-user", "--email", "empty@example.test", "--password-stdin");
        var first = await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "twice@example.test", "--password-stdin");
        var second = await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "TWICE@example.test", "--password-stdin");

        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least 12 characters", weak.Error, StringComparison.Ordinal);
        Assert.Equal(1, noFlag.ExitCode);
        Assert.Contains("--password-stdin", noFlag.Error, StringComparison.Ordinal);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("No password on standard input", empty.Error, StringComparison.Ordinal);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already exists", second.Error, StringComparison.Ordinal);

        await using var db = deployment.Database.CreateContext();
        Assert.Equal(new[] { "twice@example.test" }, await db.Users.Select(u => u.Email).ToListAsync(Cancel));
    }

    [Fact]
    public async Task Grant_and_revoke_super_admin_work_before_first_sign_in_and_refuse_unknown_addresses()
    {
        await using var deployment = await AdminDeployment.CreateAsync();
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "root@example.test", "--password-stdin")).ExitCode);

        var granted = await deployment.AdminAsync(null, "grant-super-admin", "root@example.test");
        Assert.True(granted.ExitCode == 0, granted.Error);
        Assert.Contains("root@example.test is now a system super-admin.", granted.Output, StringComparison.Ordinal);
        Assert.True(await IsSuperAdminAsync(deployment, "root@example.test"));

        var again = await deployment.AdminAsync(null, "grant-super-admin", "ROOT@example.test");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already a system super-admin", again.Output, StringComparison.Ordinal);

        var revoked = await deployment.AdminAsync(null, "revoke-super-admin", "root@example.test");
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("root@example.test is no longer a system super-admin.", revoked.Output, StringComparison.Ordinal);
        Assert.False(await IsSuperAdminAsync(deployment, "root@example.test"));

        var unknown = await deployment.AdminAsync(null, "grant-super-admin", "ghost@example.test");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No user with the email ghost@example.test", unknown.Error, StringComparison.Ordinal);
        var unknownRevoke = await deployment.AdminAsync(null, "revoke-super-admin", "ghost@example.test");
        Assert.Equal(1, unknownRevoke.ExitCode);
    }

    [Fact]
    public async Task Token_and_create_user_are_refused_when_an_external_authority_is_configured()
    {
        await using var deployment = await AdminDeployment.CreateAsync(new Dictionary<string, string?>
        {
            ["AUTH_AUTHORITY"] = "https://tenant.auth0.example/",
            ["AUTH_CLIENT_ID"] = "client",
            ["AUTH_CLIENT_SECRET"] = "secret",
            ["AUTH_AUDIENCES"] = $"{Api},{Mcp}",
        });

        var token = await deployment.AdminAsync(null, "token", "--email", "ada@example.test", "--audience", Api);
        var create = await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "ada@example.test", "--password-stdin");

        Assert.Equal(1, token.ExitCode);
        Assert.Equal(string.Empty, token.Output);
        Assert.Contains("external sign-in authority is configured", token.Error, StringComparison.Ordinal);
        Assert.Contains("cannot mint tokens", token.Error, StringComparison.Ordinal);
        Assert.Equal(1, create.ExitCode);
        Assert.Contains("cannot create local accounts", create.Error, StringComparison.Ordinal);
    }

    private static async Task<bool> IsSuperAdminAsync(AdminDeployment deployment, string email)
    {
        await using var db = deployment.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Email == email, Cancel);
        return await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.SystemObject && t.Relation == SuperAdmins.Relation && t.User == Fga.User(user.Id), Cancel);
    }

    private static JsonElement Decode(string jwt, int part) => JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[part])).RootElement;
}
