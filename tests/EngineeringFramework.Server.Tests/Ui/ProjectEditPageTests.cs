using System.Net;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Editing, archiving, moving and deleting a project from its page, as the REST API allows: the same use cases, messages next to
/// the field, a typed name to confirm the delete, and the forms offered only to those with the permission (the server
/// refusing anyone else who posts them anyway, with nothing written).
/// </summary>
public sealed class ProjectEditPageTests : IAsyncLifetime
{
    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;

    private string ProjectPath => $"/orgs/{orgId}/projects/{projectId}";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, "project-admin@example.test");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_edits_and_archives_a_project_and_an_archived_checklist_offers_no_status_forms()
    {
        using var badDate = await admin.SubmitAsync(ProjectPath, "edit-project", new() { ["Edit.Name"] = "Checkout revamp", ["Edit.TargetDate"] = "2027-02-30", ["Edit.Status"] = "Active" });
        var refused = await Page.ReadAsync(badDate);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("id=\"project-target-error\"", refused.Html, StringComparison.Ordinal);

        using var saved = await admin.SubmitAsync(ProjectPath, "edit-project", new()
        {
            ["Edit.Name"] = "Checkout v2",
            ["Edit.Description"] = "The second attempt.",
            ["Edit.TargetDate"] = "2027-06-30",
            ["Edit.Status"] = "Archived",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var page = await admin.GetAsync(ProjectPath);
        Assert.Contains("<h1>Checkout v2</h1>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<dd>Archived</dd>", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"_handler\" value=\"status-", page.Html, StringComparison.Ordinal);

        using var reopened = await admin.SubmitAsync(ProjectPath, "edit-project", new() { ["Edit.Name"] = "Checkout v2", ["Edit.TargetDate"] = "2027-06-30", ["Edit.Status"] = "Active" });
        Assert.Equal(HttpStatusCode.Redirect, reopened.StatusCode);
        Assert.Contains("name=\"_handler\" value=\"status-", (await admin.GetAsync(ProjectPath)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_moves_a_project_to_another_department_and_the_checklist_goes_with_it()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var before = await admin.GetAsync(ProjectPath);
        var items = UiSteps.ItemIds(before);
        Assert.Contains($"<option value=\"{platform}\"", before.Html, StringComparison.Ordinal);

        using var moved = await admin.SubmitAsync(ProjectPath, "move-project", new() { ["Move.DepartmentId"] = platform.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var after = await admin.GetAsync(ProjectPath);
        Assert.Contains($"href=\"/orgs/{orgId}/departments/{platform}\"", after.Html, StringComparison.Ordinal);
        Assert.Equal(items, UiSteps.ItemIds(after));

        // Now in Platform, the only other department is the one it came from.
        Assert.DoesNotContain($"<option value=\"{platform}\"", after.Html, StringComparison.Ordinal);
        using var garbled = await admin.SubmitAsync(ProjectPath, "move-project", new() { ["Move.DepartmentId"] = "not-a-department" });
        var refused = await Page.ReadAsync(garbled);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("id=\"move-department-error\"", refused.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_to_another_organizations_department_is_refused_and_nothing_moves()
    {
        await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var (outsider, evil) = await UiBrowser.WithOrganizationAsync(app, "move-outsider@example.test", "Evil");
        using var _outsider = outsider;
        var theirs = await UiSteps.CreateDepartmentAsync(outsider, evil, "Elsewhere");
        var before = await app.SnapshotAsync();

        using var moved = await admin.SubmitAsync(ProjectPath, "move-project", new() { ["Move.DepartmentId"] = theirs.ToString() });

        // The page itself loaded, so what the form named is missing from the current state: a conflict, said on the form.
        var refused = await Page.ReadAsync(moved);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("Department was not found.", refused.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Elsewhere", refused.Html, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Another_organizations_project_page_is_not_found_and_its_forms_change_nothing()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var adminPage = await admin.GetAsync(ProjectPath);
        var item = UiSteps.ItemIds(adminPage)[0];
        var (outsider, evil) = await UiBrowser.WithOrganizationAsync(app, "project-outsider@example.test", "Evil");
        using var _outsider = outsider;
        var token = (await outsider.GetAsync($"/orgs/{evil}/departments")).Form("create-department")["__RequestVerificationToken"];
        var before = await app.SnapshotAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(ProjectPath)).Status);
        var posts = new (string Form, Dictionary<string, string> Values)[]
        {
            ("edit-project", new() { ["Edit.Name"] = "Taken over", ["Edit.Status"] = "Archived" }),
            ("move-project", new() { ["Move.DepartmentId"] = platform.ToString() }),
            ("delete-project", new() { ["Remove.ConfirmName"] = "Checkout revamp" }),
            ($"status-{item}", new() { ["Update.Status"] = "Done" }),
        };
        foreach (var (form, values) in posts)
        {
            var fields = new Dictionary<string, string>(adminPage.Form(form)) { ["__RequestVerificationToken"] = token };
            using var posted = await outsider.PostAsync(ProjectPath, fields, values);
            Assert.True(posted.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{form}: {posted.StatusCode}");
            Assert.DoesNotContain("Checkout revamp", await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Deleting_a_project_needs_its_typed_name_and_takes_its_checklist_with_it()
    {
        var before = await app.SnapshotAsync();
        using var mistyped = await admin.SubmitAsync(ProjectPath, "delete-project", new() { ["Remove.ConfirmName"] = "checkout revamp" });
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.StatusCode);
        Assert.Equal(before, await app.SnapshotAsync());

        using var deleted = await admin.SubmitAsync(ProjectPath, "delete-project", new() { ["Remove.ConfirmName"] = "Checkout revamp" });

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.StartsWith($"/orgs/{orgId}/departments/", Page.LocalPath(deleted.Headers.Location), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(ProjectPath)).Status);
    }

    [Fact]
    public async Task A_member_is_offered_none_of_the_forms_and_posting_them_anyway_changes_nothing()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var adminPage = await admin.GetAsync(ProjectPath);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "project-member@example.test");

        var page = await member.GetAsync(ProjectPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("edit-project", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("delete-project", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("move-project", page.Html, StringComparison.Ordinal);

        // The admin's forms, posted with the member's own valid antiforgery token.
        var token = (await member.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
        var before = await app.SnapshotAsync();
        var edit = new Dictionary<string, string>(adminPage.Form("edit-project")) { ["__RequestVerificationToken"] = token };
        var remove = new Dictionary<string, string>(adminPage.Form("delete-project")) { ["__RequestVerificationToken"] = token };
        var move = new Dictionary<string, string>(adminPage.Form("move-project")) { ["__RequestVerificationToken"] = token };

        using var edited = await member.PostAsync(ProjectPath, edit, new() { ["Edit.Name"] = "Taken over", ["Edit.Status"] = "Archived" });
        using var deleted = await member.PostAsync(ProjectPath, remove, new() { ["Remove.ConfirmName"] = "Checkout revamp" });
        using var moved = await member.PostAsync(ProjectPath, move, new() { ["Move.DepartmentId"] = platform.ToString() });

        Assert.True(edited.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, edited.StatusCode.ToString());
        Assert.True(deleted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, deleted.StatusCode.ToString());
        Assert.True(moved.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, moved.StatusCode.ToString());
        Assert.Equal(before, await app.SnapshotAsync());
    }
}
