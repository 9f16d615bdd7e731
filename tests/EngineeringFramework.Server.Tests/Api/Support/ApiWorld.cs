using System.Net;
using System.Net.Http.Json;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Api.Support;

/// <summary>
/// One server shared by a test class: Acme (admin Ada, plain member Mallory) with a department, a project, an
/// invitation and a role template, and Evil (admin Eve) next door. Routes are written with placeholders
/// (<c>{org}</c>, <c>{project}</c>…) that <see cref="Expand"/> fills in.
/// </summary>
public sealed class ApiWorld : IAsyncLifetime
{
    internal TestApp App { get; private set; } = null!;

    internal OrgUser Ada { get; private set; } = null!;

    internal OrgUser Mallory { get; private set; } = null!;

    internal OrgUser Eve { get; private set; } = null!;

    internal Guid Department { get; private set; }

    internal Guid Project { get; private set; }

    internal Guid Item { get; private set; }

    internal long ItemVersion { get; private set; }

    internal Guid Invitation { get; private set; }

    /// <summary>The framework version the project was created from (the built-in one).</summary>
    internal Guid FrameworkVersion { get; private set; }

    internal Guid RoleTemplate { get; private set; }

    /// <summary>A check of a pushed commit (written directly: no GitHub here, and reading it needs none).</summary>
    internal Guid FrameworkCheck { get; private set; }

    /// <summary>An agent's Done on another item of the project, waiting for a person's confirmation.</summary>
    internal Guid SignOffRequest { get; private set; }

    /// <summary>Acme's service account "World bot", with one live token (<see cref="ServiceAccountToken"/>).</summary>
    internal Guid ServiceAccount { get; private set; }

    internal Guid ServiceAccountToken { get; private set; }

    /// <summary>An expiry a service account may have: a month from now.</summary>
    internal static string Expiry => DateTime.UtcNow.AddDays(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask InitializeAsync()
    {
        App = await TestApp.StartAsync();
        Ada = await App.OnboardAsync("world-ada", "Acme");
        Mallory = await App.AddMemberAsync(Ada.OrgId, "world-mallory");
        Eve = await App.OnboardAsync("world-eve", "Evil");
        await Eve.CreateDepartmentAsync("Evil platform");

        Department = await Ada.CreateDepartmentAsync("Platform");
        Project = await Ada.CreateProjectAsync(Department, "Payments");
        FrameworkVersion = (await Ada.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"{ApiTestKit.OrgPath(Ada.OrgId)}/projects/{Project}", ApiTestKit.Cancel))
            .GetProperty("project").GetProperty("frameworkVersionId").GetGuid();
        var item = (await Ada.ItemsAsync(Project)).First(i => i.GetProperty("templateSlug").ValueKind == System.Text.Json.JsonValueKind.String);
        Item = item.GetProperty("id").GetGuid();
        ItemVersion = item.GetProperty("version").GetInt64();

        var invitation = await Ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(Ada.OrgId)}/invitations", new { email = "invitee@example.com" }, ApiTestKit.Cancel);
        Assert.Equal(HttpStatusCode.Created, invitation.StatusCode);
        Invitation = (await invitation.ReadJsonAsync()).GetProperty("id").GetGuid();

        var role = await Ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(Ada.OrgId)}/role-templates", new { name = "Reviewer", permissions = new[] { "update_checklists" } }, ApiTestKit.Cancel);
        Assert.Equal(HttpStatusCode.Created, role.StatusCode);
        RoleTemplate = (await role.ReadJsonAsync()).GetProperty("id").GetGuid();

        var account = await Ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(Ada.OrgId)}/service-accounts", new { name = "World bot", roleTemplateId = RoleTemplate, expiresAt = DateTime.UtcNow.AddDays(30) }, ApiTestKit.Cancel);
        Assert.Equal(HttpStatusCode.Created, account.StatusCode);
        ServiceAccount = (await account.ReadJsonAsync()).GetProperty("id").GetGuid();
        var token = await Ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(Ada.OrgId)}/service-accounts/{ServiceAccount}/tokens", new { name = "ci" }, ApiTestKit.Cancel);
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        ServiceAccountToken = (await token.ReadJsonAsync()).GetProperty("token").GetProperty("id").GetGuid();

        await using var scope = App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Tenancy.TenantContext>().Set(Ada.OrgId);
        var db = scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Data.AppDbContext>();
        var check = new EngineeringFramework.Core.GitHubSync.FrameworkCheck { OrganizationId = Ada.OrgId, CommitSha = new string('c', 40), Branch = "feature", RequestedAt = DateTime.UtcNow };
        db.FrameworkChecks.Add(check);
        await db.SaveChangesAsync(ApiTestKit.Cancel);
        FrameworkCheck = check.Id;

        var other = (await Ada.ItemsAsync(Project)).First(i => i.GetProperty("id").GetGuid() != Item);
        var agent = new EngineeringFramework.Core.UseCases.Caller(Ada.UserId, EngineeringFramework.Core.UseCases.Surface.Mcp, "claude-code");
        await scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Checklists.ChecklistService>().UpdateItemAsync(
            agent, Ada.OrgId, Project, other.GetProperty("id").GetGuid(),
            new EngineeringFramework.Core.Checklists.UpdateChecklistItemRequest(other.GetProperty("version").GetInt64(), EngineeringFramework.Core.Checklists.ChecklistItemStatus.Done), ApiTestKit.Cancel);
        SignOffRequest = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.SignOffRequests.Select(r => r.Id), ApiTestKit.Cancel);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    /// <summary>The route with its placeholders filled in; <paramref name="orgId"/> (default Acme) fills <c>{org}</c>.</summary>
    internal string Expand(string template, Guid? orgId = null) => template
        .Replace("{org}", ApiTestKit.OrgPath(orgId ?? Ada.OrgId), StringComparison.Ordinal)
        .Replace("{dept}", Department.ToString(), StringComparison.Ordinal)
        .Replace("{project}", Project.ToString(), StringComparison.Ordinal)
        .Replace("{item}", Item.ToString(), StringComparison.Ordinal)
        .Replace("{fwversion}", FrameworkVersion.ToString(), StringComparison.Ordinal)
        .Replace("{version}", ItemVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{invitation}", Invitation.ToString(), StringComparison.Ordinal)
        .Replace("{role}", RoleTemplate.ToString(), StringComparison.Ordinal)
        .Replace("{check}", FrameworkCheck.ToString(), StringComparison.Ordinal)
        .Replace("{signoff}", SignOffRequest.ToString(), StringComparison.Ordinal)
        .Replace("{satoken}", ServiceAccountToken.ToString(), StringComparison.Ordinal)
        .Replace("{sa}", ServiceAccount.ToString(), StringComparison.Ordinal)
        .Replace("{expiry}", Expiry, StringComparison.Ordinal)
        .Replace("{admin}", Ada.UserId.ToString(), StringComparison.Ordinal)
        .Replace("{member}", Mallory.UserId.ToString(), StringComparison.Ordinal);

    /// <summary>Sends the route as <paramref name="client"/>; a checklist item write carries the If-Match it needs.</summary>
    internal Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body, Guid? orgId = null)
    {
        var ifMatch = (method == "PUT" && path.Contains("/checklist/items/", StringComparison.Ordinal)) || (method == "POST" && path.EndsWith("/review", StringComparison.Ordinal))
            ? $"\"{ItemVersion}\""
            : null;
        return client.SendAsync(new HttpMethod(method), Expand(path, orgId), body is null ? null : Expand(body, orgId), ifMatch);
    }
}
