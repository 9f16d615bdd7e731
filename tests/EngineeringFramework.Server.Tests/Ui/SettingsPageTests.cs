using System.Net;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed class SettingsPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_renames_the_organization_and_the_new_name_shows_everywhere()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "settings-admin@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/settings";

        using var renamed = await admin.SubmitAsync(path, "rename-organization", new() { ["Rename.Name"] = "Acme Rockets" });
        var settings = await admin.GetAsync(Page.LocalPath(renamed.Headers.Location)!);
        var dashboard = await admin.GetAsync($"/orgs/{orgId}");

        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Contains("The organization was renamed.", settings.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"org-name\">Acme Rockets</span>", dashboard.Html, StringComparison.Ordinal);
        Assert.Equal("Acme Rockets", (await OrganizationAsync(app, orgId))!.Value.Name);
    }

    [Fact]
    public async Task Blank_name_shows_the_error_next_to_the_field_and_nothing_is_written()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "settings-blank@example.test", "Acme");
        using var _ = admin;

        using var response = await admin.SubmitAsync($"/orgs/{orgId}/settings", "rename-organization", new() { ["Rename.Name"] = "   " });
        var rejected = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains("id=\"org-name-error\"", rejected.Html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", rejected.Html, StringComparison.Ordinal);
        Assert.Equal("Acme", (await OrganizationAsync(app, orgId))!.Value.Name);
    }

    [Fact]
    public async Task Admin_sees_the_plan_read_only_and_only_a_super_admin_may_change_it()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "settings-plan@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/settings";
        var asAdmin = await admin.GetAsync(path);

        await GrantSuperAdminAsync(app, "settings-plan@example.test");
        var asSuperAdmin = await admin.GetAsync(path);
        using var invalid = await admin.PostAsync(path, asSuperAdmin.Form("change-plan"), new Dictionary<string, string> { ["PlanChange.Plan"] = "Platinum" });
        var rejected = await Page.ReadAsync(invalid);
        var planAfterInvalid = (await OrganizationAsync(app, orgId))!.Value.Plan;
        using var changed = await admin.PostAsync(path, asSuperAdmin.Form("change-plan"), new Dictionary<string, string> { ["PlanChange.Plan"] = "Pro" });
        var after = await admin.GetAsync(Page.LocalPath(changed.Headers.Location)!);

        Assert.Contains("<dd id=\"current-plan\">Free</dd>", asAdmin.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("change-plan", asAdmin.Html, StringComparison.Ordinal);
        Assert.Contains("Plans are changed by the system's operators", asAdmin.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains("id=\"plan-error\"", rejected.Html, StringComparison.Ordinal);
        Assert.Equal(Plan.Free, planAfterInvalid);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("<dd id=\"current-plan\">Pro</dd>", after.Html, StringComparison.Ordinal);
        Assert.Equal(Plan.Pro, (await OrganizationAsync(app, orgId))!.Value.Plan);
    }

    [Fact]
    public async Task Delete_needs_the_exact_name_then_removes_everything_and_sends_the_admin_to_onboarding()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId, _) = await UiSteps.ProjectAsync(app, "settings-delete@example.test");
        using var browser = admin;
        var path = $"/orgs/{orgId}/settings";
        var name = (await OrganizationAsync(app, orgId))!.Value.Name;

        using var wrong = await admin.SubmitAsync(path, "delete-organization", new() { ["Delete.ConfirmName"] = name.ToUpperInvariant() });
        var refused = await Page.ReadAsync(wrong);
        var stillThere = await OrganizationAsync(app, orgId);
        using var deleted = await admin.SubmitAsync(path, "delete-organization", new() { ["Delete.ConfirmName"] = name });
        var start = await admin.GetAsync(Page.LocalPath(deleted.Headers.Location)!);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("id=\"confirm-name-error\"", refused.Html, StringComparison.Ordinal);
        Assert.NotNull(stillThere);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/", Page.LocalPath(deleted.Headers.Location));
        Assert.Equal("/onboarding", start.Location);
        Assert.Null(await OrganizationAsync(app, orgId));
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(0, await db.Departments.BypassTenantFilter().CountAsync(Cancel));
        Assert.Equal(0, await db.Projects.BypassTenantFilter().CountAsync(Cancel));
        Assert.Equal(0, await db.ChecklistItems.BypassTenantFilter().CountAsync(Cancel));
        Assert.Equal(0, await db.Memberships.BypassTenantFilter().CountAsync(Cancel));
        Assert.False(await db.RelationshipTuples.BypassTenantFilter().AnyAsync(t => t.Object == Fga.Organization(orgId), Cancel));
    }

    [Fact]
    public async Task Member_is_refused_outsider_finds_nothing_and_only_admins_see_the_link()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "settings-owner@example.test", "Acme");
        using var _ = admin;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "settings-member@example.test");
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "settings-outsider@example.test", "Evil");
        using var __ = outsider;
        var path = $"/orgs/{orgId}/settings";
        var link = $"href=\"{path}\"";

        var refused = await member.GetAsync(path);
        var hidden = await outsider.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("<h1>Not allowed</h1>", refused.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("delete-organization", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        Assert.Contains(link, (await admin.GetAsync($"/orgs/{orgId}")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain(link, (await member.GetAsync($"/orgs/{orgId}")).Html, StringComparison.Ordinal);
        Assert.Equal("Acme", (await OrganizationAsync(app, orgId))!.Value.Name);
    }

    private static async Task<(string Name, Plan Plan)?> OrganizationAsync(TestApp app, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var organization = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter()
            .Where(o => o.Id == orgId).Select(o => new { o.Name, o.Plan }).SingleOrDefaultAsync(Cancel);
        return organization is null ? null : (organization.Name, organization.Plan);
    }

    private static async Task GrantSuperAdminAsync(TestApp app, string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        await new SuperAdmins(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<RelationshipWriter>()).GrantAsync(email, Cancel);
    }
}
