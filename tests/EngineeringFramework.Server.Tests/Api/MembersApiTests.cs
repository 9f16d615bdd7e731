using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Identity.Users;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class MembersApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    /// <summary>The token from the invitation mail sent to <paramref name="email"/> (the last link segment).</summary>
    private async Task<string> InvitationTokenAsync(string email)
    {
        var mail = (await Outbox.MessagesAsync(server.App)).Last(m => m.Contains(email, StringComparison.OrdinalIgnoreCase));
        var link = System.Text.RegularExpressions.Regex.Match(mail, @"https?://\S+/invitations/(\S+)");
        Assert.True(link.Success, mail);
        return link.Groups[1].Value;
    }

    [Fact]
    public async Task Invitee_without_an_organization_accepts_with_the_mailed_token_and_becomes_a_member()
    {
        var admin = await server.App.OnboardAsync("inv-admin", "Inv org");
        var invited = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/invitations", new { email = "inv-newcomer@example.com" }, Cancel);
        var pending = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/invitations", Cancel);
        var newcomer = server.App.ApiClientFor("inv-newcomer");
        var token = await InvitationTokenAsync("inv-newcomer@example.com");

        var accepted = await newcomer.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Cancel);
        var again = await newcomer.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Cancel);
        var members = await newcomer.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/members", Cancel);
        var pendingAfter = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/invitations", Cancel);

        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        Assert.Equal("inv-newcomer@example.com", Assert.Single(pending.EnumerateArray()).GetProperty("email").GetString());
        Assert.DoesNotContain(token, pending.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(admin.OrgId, (await accepted.ReadJsonAsync()).GetProperty("organizationId").GetGuid());
        Assert.NotEqual(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(members.GetProperty("items").EnumerateArray(), m => m.GetProperty("email").GetString() == "inv-newcomer@example.com");
        Assert.Empty(pendingAfter.EnumerateArray());
    }

    [Fact]
    public async Task Invitation_accepted_by_the_wrong_account_is_a_403_naming_the_token_and_nothing_is_written()
    {
        var admin = await server.App.OnboardAsync("wrong-admin", "Wrong org");
        await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/invitations", new { email = "wrong-invitee@example.com", role = "Admin" }, Cancel);
        var token = await InvitationTokenAsync("wrong-invitee@example.com");
        var forwardedTo = server.App.ApiClientFor("wrong-holder");
        Assert.Equal(HttpStatusCode.OK, (await forwardedTo.GetAsync("/api/v1/me", Cancel)).StatusCode);
        var before = await server.App.SnapshotAsync();

        var refused = await forwardedTo.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Cancel);

        var body = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains("w•••@example.com", problem.GetProperty("errors").GetProperty("token")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("w•••@example.com", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-invitee", body, StringComparison.Ordinal);
        Assert.Equal(before, await server.App.SnapshotAsync());

        var invitee = server.App.ApiClientFor("wrong-invitee");
        var accepted = await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Cancel);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Admin", (await accepted.ReadJsonAsync()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task After_a_confirmed_change_of_address_invitations_follow_the_new_one_even_with_a_token_naming_the_old()
    {
        var admin = await server.App.OnboardAsync("move-admin", "Move org");
        // A member of an organization already, so the API caller cache knows them under the old address.
        var mover = await server.App.OnboardAsync("mover", "Mover's own org");
        await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/invitations", new { email = "mover-new@example.com" }, Cancel);
        var toNew = await InvitationTokenAsync("mover-new@example.com");
        var refusedBefore = await mover.Client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = toNew }, Cancel);

        // What the confirmation page does once the link sent to the new address was opened.
        await using (var scope = server.App.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Users.UserDirectory>().UpdateEmailAsync("mover", "mover-new@example.com", Cancel);
        }

        // mover.Client still holds a token minted before the change, naming mover@example.com.
        var acceptedAfter = await mover.Client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = toNew }, Cancel);
        var me = await mover.Client.GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, refusedBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, acceptedAfter.StatusCode);
        Assert.Equal("mover-new@example.com", me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Revoked_or_unknown_invitation_tokens_are_404()
    {
        var admin = await server.App.OnboardAsync("rev-admin", "Rev org");
        var invited = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/invitations", new { email = "rev-newcomer@example.com" }, Cancel);
        var invitationId = (await invited.ReadJsonAsync()).GetProperty("id").GetGuid();
        var token = await InvitationTokenAsync("rev-newcomer@example.com");
        var newcomer = server.App.ApiClientFor("rev-newcomer");

        var revoked = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/invitations/{invitationId}", Cancel);
        var withRevoked = await newcomer.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Cancel);
        var withUnknown = await newcomer.PostAsJsonAsync("/api/v1/invitations/accept", new { token = "not-a-token" }, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withRevoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withUnknown.StatusCode);
    }

    [Fact]
    public async Task Admin_promotes_a_member_and_the_last_admin_cannot_be_demoted()
    {
        var admin = await server.App.OnboardAsync("role-admin", "Role org");
        var member = await server.App.AddMemberAsync(admin.OrgId, "role-member");

        var demoteLast = await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/members/{admin.UserId}/role", new { role = "Member" }, Cancel);
        var promote = await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/members/{member.UserId}/role", new { role = "Admin" }, Cancel);
        var demoteNow = await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/members/{admin.UserId}/role", new { role = "Member" }, Cancel);

        Assert.Equal(HttpStatusCode.Conflict, demoteLast.StatusCode);
        Assert.Equal("Admin", (await promote.ReadJsonAsync()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, demoteNow.StatusCode);
    }

    [Fact]
    public async Task Member_may_leave_and_admin_may_remove_a_member()
    {
        var admin = await server.App.OnboardAsync("leave-admin", "Leave org");
        var leaver = await server.App.AddMemberAsync(admin.OrgId, "leave-member");
        var removed = await server.App.AddMemberAsync(admin.OrgId, "leave-removed", MembershipRole.Member);

        var leave = await leaver.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/members/{leaver.UserId}", Cancel);
        var remove = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/members/{removed.UserId}", Cancel);
        var members = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/members", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal([admin.UserId], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));
    }

    [Fact]
    public async Task Members_list_pages_with_a_cursor()
    {
        var admin = await server.App.OnboardAsync("page-admin", "Page org");
        await server.App.AddMemberAsync(admin.OrgId, "page-b");
        await server.App.AddMemberAsync(admin.OrgId, "page-c");

        var first = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/members?limit=2", Cancel);
        var cursor = Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!);
        var second = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/members?limit=2&cursor={cursor}", Cancel);

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
    }
}
