using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Api;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class OrganizationsApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => app = await TestApp.StartAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<(HttpClient Client, Guid OrgId)> OnboardAsync(string subject, string name)
    {
        var client = app.ApiClientFor(subject);
        var response = await client.PostAsJsonAsync("/api/v1/organizations", new { name }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (client, body.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Onboarding_creates_an_organization_whose_creator_is_admin()
    {
        var (client, orgId) = await OnboardAsync("ada", "Acme");

        var organization = await client.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{orgId}", Cancel);
        var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/organizations", Cancel);

        Assert.Equal("Admin", organization.GetProperty("role").GetString());
        Assert.Equal("Free", organization.GetProperty("plan").GetString());
        Assert.Equal(orgId, Assert.Single(mine.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task User_without_an_organization_is_sent_to_onboarding()
    {
        var (_, orgId) = await OnboardAsync("ada", "Acme");
        var newcomer = app.ApiClientFor("newcomer");

        var response = await newcomer.GetAsync($"/api/v1/organizations/{orgId}", Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ApiCaller.OnboardingRequiredType, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_404_on_every_route()
    {
        var (_, acme) = await OnboardAsync("ada", "Acme");
        var (eve, _) = await OnboardAsync("eve", "Evil");

        var responses = new[]
        {
            await eve.GetAsync($"/api/v1/organizations/{acme}", Cancel),
            await eve.PatchAsJsonAsync($"/api/v1/organizations/{acme}", new { name = "Mine" }, Cancel),
            await eve.PutAsJsonAsync($"/api/v1/organizations/{acme}/plan", new { plan = "Enterprise" }, Cancel),
            await eve.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/organizations/{acme}") { Content = JsonContent.Create(new { confirmName = "Acme" }) }, Cancel),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Admin_who_is_not_super_admin_cannot_change_the_plan()
    {
        var (client, orgId) = await OnboardAsync("ada", "Acme");

        var response = await client.PutAsJsonAsync($"/api/v1/organizations/{orgId}/plan", new { plan = "Pro" }, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Super_admin_changes_the_plan_and_a_plain_member_is_refused()
    {
        var (admin, orgId) = await OnboardAsync("ada", "Acme");
        var (operatorClient, _) = await OnboardAsync("sam", "Operators");
        await GrantSuperAdminAsync("sam@example.com");
        var member = await app.AddMemberAsync(orgId, "ben");

        var byMember = await member.Client.PutAsJsonAsync($"/api/v1/organizations/{orgId}/plan", new { plan = "Pro" }, Cancel);
        var planAfterMember = await PlanInDatabaseAsync(orgId);
        var byOperator = await operatorClient.PutAsJsonAsync($"/api/v1/organizations/{orgId}/plan", new { plan = "Enterprise" }, Cancel);
        var organization = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{orgId}", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(Plan.Free, planAfterMember);
        Assert.Equal(HttpStatusCode.OK, byOperator.StatusCode);
        Assert.Equal("Enterprise", organization.GetProperty("plan").GetString());
        Assert.Equal(Plan.Enterprise, await PlanInDatabaseAsync(orgId));
    }

    [Theory]
    [InlineData("""{"plan":"Platinum"}""")]
    [InlineData("""{"plan":9}""")]
    [InlineData("""{"plan":null}""")]
    public async Task Invalid_plan_is_a_400_naming_the_field_and_nothing_is_written(string body)
    {
        var (_, orgId) = await OnboardAsync("ada", "Acme");
        var (operatorClient, _) = await OnboardAsync("sam", "Operators");
        await GrantSuperAdminAsync("sam@example.com");

        var response = await operatorClient.PutAsync($"/api/v1/organizations/{orgId}/plan", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancel);

        await response.AssertValidationProblemAsync("plan");
        Assert.Equal(Plan.Free, await PlanInDatabaseAsync(orgId));
    }

    private async Task GrantSuperAdminAsync(string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        await new SuperAdmins(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<RelationshipWriter>()).GrantAsync(email, Cancel);
    }

    private async Task<Plan> PlanInDatabaseAsync(Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter().Where(o => o.Id == orgId).Select(o => o.Plan).SingleAsync(Cancel);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"Acme","slug":"Not Valid"}""", "slug")]
    public async Task Invalid_organization_is_a_400_naming_the_field_and_nothing_is_written(string body, string field)
    {
        var client = app.ApiClientFor("ada");

        var response = await client.PostAsync("/api/v1/organizations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        await using var scope = app.App.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter().CountAsync(Cancel));
    }

    [Fact]
    public async Task Rename_with_a_blank_name_is_a_400_and_the_name_is_unchanged()
    {
        var (client, orgId) = await OnboardAsync("ada", "Acme");

        var response = await client.PatchAsJsonAsync($"/api/v1/organizations/{orgId}", new { name = "  " }, Cancel);
        var organization = await client.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{orgId}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Acme", organization.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Delete_requires_the_exact_name()
    {
        var (client, orgId) = await OnboardAsync("ada", "Acme");

        var wrong = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/organizations/{orgId}") { Content = JsonContent.Create(new { confirmName = "acme" }) }, Cancel);
        var right = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/organizations/{orgId}") { Content = JsonContent.Create(new { confirmName = "Acme" }) }, Cancel);
        var after = await client.GetAsync($"/api/v1/organizations", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        Assert.Empty((await after.Content.ReadFromJsonAsync<JsonElement>(Cancel)).EnumerateArray());
    }

    [Fact]
    public async Task Api_refuses_a_token_issued_for_the_mcp_audience()
    {
        var token = app.MintToken("ada", "ada@example.com", app.App.Services.GetRequiredService<EngineeringFramework.Server.Identity.Audiences>().Mcp);

        var response = await app.ClientWithToken(token).GetAsync("/api/v1/organizations", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
