using System.Net;
using EngineeringFramework.Server.Api;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// The API remembers who a token's subject is once they belong to an organization; joining and leaving still take
/// effect on the very next call.
/// </summary>
public sealed class ApiCallerTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static async Task AssertOnboardingRequiredAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(ApiCaller.OnboardingRequiredType, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_member_removed_from_their_only_organization_is_sent_to_onboarding_on_the_next_call()
    {
        var admin = await server.App.OnboardAsync("leaving-admin", "Leaving org");
        var member = await server.App.AddMemberAsync(admin.OrgId, "leaving-member");
        var organization = $"{OrgPath(admin.OrgId)}";

        var before = await member.Client.GetAsync(organization, Cancel);
        var again = await member.Client.GetAsync(organization, Cancel);
        var removed = await admin.Client.SendAsync(HttpMethod.Delete, $"{organization}/members/{member.UserId}");
        var after = await member.Client.GetAsync(organization, Cancel);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await AssertOnboardingRequiredAsync(after);
    }

    [Fact]
    public async Task A_user_in_onboarding_can_use_the_api_as_soon_as_they_join()
    {
        var admin = await server.App.OnboardAsync("joining-admin", "Joining org");
        var newcomer = server.App.ApiClientFor("joining-newcomer");
        var organization = $"{OrgPath(admin.OrgId)}";

        var before = await newcomer.GetAsync(organization, Cancel);
        await server.App.AddMemberAsync(admin.OrgId, "joining-newcomer");
        var after = await newcomer.GetAsync(organization, Cancel);

        await AssertOnboardingRequiredAsync(before);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("Member", (await after.ReadJsonAsync()).GetProperty("role").GetString());
    }
}
