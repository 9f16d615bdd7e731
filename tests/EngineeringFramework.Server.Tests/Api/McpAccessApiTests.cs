using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class McpAccessApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task Admin_grants_and_revokes_a_members_mcp_access()
    {
        var admin = await server.App.OnboardAsync("mcp-admin", "Mcp org");
        var member = await server.App.AddMemberAsync(admin.OrgId, "mcp-member");
        var access = $"{OrgPath(admin.OrgId)}/mcp-access";

        var grant = await admin.Client.PutAsync($"{access}/{member.UserId}", null, Cancel);
        var granted = await admin.Client.GetFromJsonAsync<JsonElement>(access, Cancel);
        var revoke = await admin.Client.DeleteAsync($"{access}/{member.UserId}", Cancel);
        var revoked = await admin.Client.GetFromJsonAsync<JsonElement>(access, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, grant.StatusCode);
        Assert.Equal(member.UserId, Assert.Single(granted.EnumerateArray()).GetProperty("userId").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Empty(revoked.EnumerateArray());
    }

    [Fact]
    public async Task Granting_to_someone_who_is_not_a_member_is_404_and_writes_nothing()
    {
        var admin = await server.App.OnboardAsync("mcp-admin2", "Mcp org 2");
        var stranger = await server.App.OnboardAsync("mcp-stranger", "Mcp stranger org");
        var before = await server.App.SnapshotAsync();

        var response = await admin.Client.PutAsync($"{OrgPath(admin.OrgId)}/mcp-access/{stranger.UserId}", null, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await server.App.SnapshotAsync());
    }
}
