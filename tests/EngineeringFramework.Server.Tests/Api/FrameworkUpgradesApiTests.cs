using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>Framework versions and a project's upgrade through the REST API, against the built-in framework and a super-admin's edit of it.</summary>
public sealed class FrameworkUpgradesApiTests
{
    [Fact]
    public async Task A_project_sees_the_new_version_previews_it_applies_it_once_and_keeps_its_work()
    {
        await using var app = await TestApp.StartAsync();
        var ada = await app.OnboardAsync("upgrade-ada", "Acme");
        var project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");
        var items = await ada.ItemsAsync(project);
        var (kept, removed) = (items[0], items[1]);
        var done = await ada.Client.SendAsync(HttpMethod.Put, $"{OrgPath(ada.OrgId)}/projects/{project}/checklist/items/{kept.GetProperty("id")}",
            """{"status":"Done","notes":"Reviewed.","evidenceLinks":["https://docs.test/charter"]}""", $"\"{kept.GetProperty("version")}\"");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var edited = await EditSystemFrameworkAsync(app, without: removed.GetProperty("itemSlug").GetString()!, rewrite: kept.GetProperty("itemSlug").GetString()!);

        var versions = await ada.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(ada.OrgId)}/framework/versions", Cancel);
        Assert.Equal([(2, "Edit", true, 0), (1, "Builtin", false, 1)], versions.EnumerateArray()
            .Select(v => (v.GetProperty("number").GetInt32(), v.GetProperty("source").GetString(), v.GetProperty("isEffective").GetBoolean(), v.GetProperty("projectCount").GetInt32())));
        var from = versions[1].GetProperty("id").GetGuid();
        var diff = await ada.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(ada.OrgId)}/framework/versions/{from}/diff/{edited}", Cancel);
        Assert.Equal("+0 items, \u22121, 1 changed", diff.GetProperty("diff").GetProperty("summary").GetString());
        var change = diff.GetProperty("diff").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("change").GetString() == "Changed");
        Assert.Equal(["DefinitionChanged"], change.GetProperty("aspects").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(change.GetProperty("definition").EnumerateArray(), l => l.GetProperty("kind").GetString() == "Added" && l.GetProperty("text").GetString() == RewrittenLine);

        var preview = await ada.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(ada.OrgId)}/projects/{project}/framework-upgrade", Cancel);
        Assert.Equal((edited, false, 1), (preview.GetProperty("to").GetProperty("id").GetGuid(), preview.GetProperty("upToDate").GetBoolean(), preview.GetProperty("retired").GetInt32()));

        var applied = await ada.Client.PostAsJsonAsync($"{OrgPath(ada.OrgId)}/projects/{project}/framework-upgrade", new { toVersionId = edited }, Cancel);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var result = await applied.ReadJsonAsync();
        Assert.Equal((1, 1), (result.GetProperty("flaggedForReview").GetInt32(), result.GetProperty("retired").GetInt32()));
        var after = (await ada.ItemsAsync(project)).ToDictionary(i => i.GetProperty("id").GetGuid());
        var keptAfter = after[kept.GetProperty("id").GetGuid()];
        Assert.Equal(("Done", "Reviewed."), (keptAfter.GetProperty("status").GetString(), keptAfter.GetProperty("notes").GetString()));
        Assert.Equal(JsonValueKind.String, keptAfter.GetProperty("definitionChangedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, after[removed.GetProperty("id").GetGuid()].GetProperty("retiredAt").ValueKind);

        var again = await ada.Client.PostAsJsonAsync($"{OrgPath(ada.OrgId)}/projects/{project}/framework-upgrade", new { toVersionId = edited }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        var retiredWrite = await ada.Client.SendAsync(HttpMethod.Put, $"{OrgPath(ada.OrgId)}/projects/{project}/checklist/items/{removed.GetProperty("id")}",
            """{"status":"Done"}""", $"\"{after[removed.GetProperty("id").GetGuid()].GetProperty("version")}\"");
        Assert.Equal(HttpStatusCode.Conflict, retiredWrite.StatusCode);
    }

    [Fact]
    public async Task The_upgrade_policy_is_read_by_members_and_changed_by_admins_only()
    {
        await using var app = await TestApp.StartAsync();
        var ada = await app.OnboardAsync("policy-ada", "Acme");
        var ben = await app.AddMemberAsync(ada.OrgId, "policy-ben");
        var path = $"{OrgPath(ada.OrgId)}/framework/upgrade-policy";

        Assert.Equal(HttpStatusCode.Forbidden, (await ben.Client.PutAsJsonAsync(path, new { resetChangedItems = true }, Cancel)).StatusCode);
        Assert.False((await ben.Client.GetFromJsonAsync<JsonElement>(path, Cancel)).GetProperty("resetChangedItems").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await ada.Client.PutAsJsonAsync(path, new { resetChangedItems = true }, Cancel)).StatusCode);
        Assert.True((await ben.Client.GetFromJsonAsync<JsonElement>(path, Cancel)).GetProperty("resetChangedItems").GetBoolean());
    }

    private const string RewrittenLine = SystemFrameworkEdit.RewrittenLine;

    private static Task<Guid> EditSystemFrameworkAsync(TestApp app, string without, string rewrite) => SystemFrameworkEdit.ImportAsync(app, without, rewrite);
}
