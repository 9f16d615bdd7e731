using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed partial class RoleTemplatesPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_creates_a_template_from_the_checked_permissions_and_sees_it_listed()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-admin@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/role-templates";
        var page = await admin.GetAsync(path);

        using var created = await admin.PostFieldsAsync(path, page.Form("create-role-template"),
        [
            new("Input.Name", "Reviewers"),
            new("Input.Description", "Keep checklists current."),
            new("Permissions", "update_projects"),
            new("Permissions", "update_checklists"),
        ]);
        var list = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches($"^/orgs/{orgId}/role-templates/[0-9a-f-]{{36}}$", Page.LocalPath(created.Headers.Location)!);
        Assert.Contains(">Reviewers</a></th>", list.Html, StringComparison.Ordinal);
        Assert.Contains("<li><code>update_checklists</code></li>", list.Html, StringComparison.Ordinal);
        Assert.Contains("<li><code>update_projects</code></li>", list.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tag tag-ok\">In sync</span>", list.Html, StringComparison.Ordinal);
        var stored = await TemplatesAsync(app);
        Assert.Equal(("Reviewers", """["update_checklists","update_projects"]"""), Assert.Single(stored));
    }

    [Theory]
    [InlineData("  ", "update_projects", "template-name-error")]
    [InlineData("Flyers", "fly", "new-permissions-error")]
    public async Task Invalid_template_shows_the_error_next_to_its_field_and_nothing_is_written(string name, string permission, string errorId)
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-invalid@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/role-templates";
        var page = await admin.GetAsync(path);

        using var response = await admin.PostFieldsAsync(path, page.Form("create-role-template"), [new("Input.Name", name), new("Permissions", permission)]);
        var rejected = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains($"id=\"{errorId}\"", rejected.Html, StringComparison.Ordinal);
        Assert.Empty(await TemplatesAsync(app));
    }

    [Fact]
    public async Task Admin_edits_assigns_unassigns_and_deletes_a_template()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-editor@example.test", "Acme");
        using var _ = admin;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "roles-member@example.test");
        var listPath = $"/orgs/{orgId}/role-templates";
        using var created = await admin.PostFieldsAsync(listPath, (await admin.GetAsync(listPath)).Form("create-role-template"), [new("Input.Name", "Reviewers"), new("Permissions", "update_checklists")]);
        var path = Page.LocalPath(created.Headers.Location)!;
        var memberId = await UserIdAsync(app, "roles-member@example.test");

        var edit = await admin.GetAsync(path);
        using var saved = await admin.PostFieldsAsync(path, edit.Form("edit-role-template"), [new("Input.Name", "Project editors"), new("Permissions", "update_projects")]);
        var afterSave = await admin.GetAsync(path);
        using var assigned = await admin.SubmitAsync(path, "assign-role-template", new() { ["Assign.UserId"] = memberId.ToString() });
        var afterAssign = await admin.GetAsync(path);
        var grantedWhileAssigned = await MayUpdateProjectsAsync(app, orgId, memberId);
        using var unassigned = await admin.SubmitAsync(path, $"unassign-{memberId}", []);
        var afterUnassign = await admin.GetAsync(path);
        var grantedAfterUnassign = await MayUpdateProjectsAsync(app, orgId, memberId);
        using var deleted = await admin.SubmitAsync(path, "delete-role-template", []);
        var list = await admin.GetAsync(Page.LocalPath(deleted.Headers.Location)!);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("<h1>Project editors</h1>", afterSave.Html, StringComparison.Ordinal);
        Assert.Matches("value=\"update_projects\" checked", afterSave.Html);
        Assert.DoesNotMatch("value=\"update_checklists\" checked", afterSave.Html);
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        Assert.Contains("<span class=\"assignee-name\">roles-member@example.test</span>", afterAssign.Html, StringComparison.Ordinal);
        Assert.True(grantedWhileAssigned, "The assigned member should hold the template's permission.");
        Assert.Equal(HttpStatusCode.Redirect, unassigned.StatusCode);
        Assert.Contains("Nobody has this role yet.", afterUnassign.Html, StringComparison.Ordinal);
        Assert.False(grantedAfterUnassign, "The unassigned member should have lost the template's permission.");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Contains("was deleted.", list.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Project editors</a>", list.Html, StringComparison.Ordinal);
        Assert.Empty(await TemplatesAsync(app));
    }

    [Fact]
    public async Task Stale_edit_is_refused_and_keeps_the_other_change()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-stale@example.test", "Acme");
        using var _ = admin;
        var listPath = $"/orgs/{orgId}/role-templates";
        using var created = await admin.PostFieldsAsync(listPath, (await admin.GetAsync(listPath)).Form("create-role-template"), [new("Input.Name", "Reviewers")]);
        var path = Page.LocalPath(created.Headers.Location)!;
        var stale = (await admin.GetAsync(path)).Form("edit-role-template");
        using var first = await admin.PostFieldsAsync(path, stale, [new("Input.Name", "First"), new("Permissions", "update_projects")]);

        using var second = await admin.PostFieldsAsync(path, stale, [new("Input.Name", "Second")]);
        var refused = await Page.ReadAsync(second);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("changed by someone else", refused.Html, StringComparison.Ordinal);
        Assert.Equal(("First", """["update_projects"]"""), Assert.Single(await TemplatesAsync(app)));
    }

    [Fact]
    public async Task Drift_report_lists_each_difference_between_hash_json_and_tuples()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-drift@example.test", "Acme");
        using var _ = admin;
        var listPath = $"/orgs/{orgId}/role-templates";
        using var created = await admin.PostFieldsAsync(listPath, (await admin.GetAsync(listPath)).Form("create-role-template"),
            [new("Input.Name", "Reviewers"), new("Permissions", "update_checklists"), new("Permissions", "update_projects")]);
        var driftPath = $"/orgs/{orgId}/role-templates/drift";
        var clean = await admin.GetAsync(driftPath);

        // Behind the product's back: the hash is overwritten and one granting tuple disappears.
        string storedHash;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var template = await db.RoleTemplates.BypassTenantFilter().SingleAsync(Cancel);
            storedHash = new string('0', 64);
            await db.RoleTemplates.BypassTenantFilter().Where(r => r.Id == template.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.PermissionsHash, storedHash), Cancel);
            await db.RelationshipTuples.BypassTenantFilter()
                .Where(t => t.User == Fga.RoleAssignees(template.Id) && t.Relation == "can_update_project").ExecuteDeleteAsync(Cancel);
        }

        var drifted = await admin.GetAsync(driftPath);
        var list = await admin.GetAsync(listPath);

        Assert.Equal(HttpStatusCode.OK, clean.Status);
        Assert.Contains("All 1 template(s) are in sync.", clean.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<ul class=\"differences\">", clean.Html, StringComparison.Ordinal);
        Assert.Contains("1 of 1 template(s) drifted.", drifted.Html, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"hash\">{storedHash}</code>", drifted.Html, StringComparison.Ordinal);
        var computed = HashCell().Matches(drifted.Html).Select(m => m.Groups[1].Value).Single(h => h != storedHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""["update_checklists","update_projects"]"""u8)), computed);
        Assert.Contains("The stored hash is not the SHA-256 of the stored JSON", drifted.Html, StringComparison.Ordinal);
        Assert.Contains("Missing tuple: the JSON grants can_update_project", drifted.Html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"relation\">can_update_checklist</code>", drifted.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tag tag-error\">Drift</span>", list.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_is_refused_outsider_finds_nothing_and_only_admins_see_the_link()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "roles-owner@example.test", "Acme");
        using var _ = admin;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "roles-plain@example.test");
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "roles-outsider@example.test", "Evil");
        using var __ = outsider;
        var listPath = $"/orgs/{orgId}/role-templates";
        using var created = await admin.PostFieldsAsync(listPath, (await admin.GetAsync(listPath)).Form("create-role-template"), [new("Input.Name", "Reviewers")]);
        var templatePath = Page.LocalPath(created.Headers.Location)!;
        var link = $"href=\"/orgs/{orgId}/role-templates\"";

        foreach (var path in new[] { listPath, templatePath, $"{listPath}/drift" })
        {
            var refused = await member.GetAsync(path);
            var hidden = await outsider.GetAsync(path);

            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Contains("<h1>Not allowed</h1>", refused.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("create-role-template", refused.Html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        }

        Assert.Contains(link, (await admin.GetAsync($"/orgs/{orgId}")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain(link, (await member.GetAsync($"/orgs/{orgId}")).Html, StringComparison.Ordinal);
    }

    private static async Task<List<(string Name, string Json)>> TemplatesAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().RoleTemplates.BypassTenantFilter()
            .OrderBy(r => r.Name).Select(r => new { r.Name, r.PermissionsJson }).ToListAsync(Cancel);
        return rows.ConvertAll(r => (r.Name, r.PermissionsJson));
    }

    private static async Task<Guid> UserIdAsync(TestApp app, string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(Cancel);
    }

    /// <summary>What the relationship engine answers now, through the same door the use cases use.</summary>
    private static async Task<bool> MayUpdateProjectsAsync(TestApp app, Guid orgId, Guid userId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var authorizer = scope.ServiceProvider.GetRequiredService<Authorizer>();
        return await authorizer.CheckAsync(new Core.UseCases.Caller(userId, Core.UseCases.Surface.Ui), "can_update_project", Fga.Organization(orgId), Cancel);
    }

    [GeneratedRegex("<code class=\"hash\">([0-9a-f]{64})</code>")]
    private static partial Regex HashCell();
}
