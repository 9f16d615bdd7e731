using System.Net;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Renaming and deleting a department from its page, as the REST API allows: the same use cases and validation,
/// messages next to the field, a typed name to confirm a delete, and the controls offered only to those who may manage
/// the department (the server refusing anyone else who posts the form anyway, with nothing written).
/// </summary>
public sealed class DepartmentPageTests : IAsyncLifetime
{
    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "dept-admin@example.test", "Acme");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    private string PathOf(Guid department) => $"/orgs/{orgId}/departments/{department}";

    [Fact]
    public async Task An_admin_renames_a_department_and_an_empty_name_is_named_next_to_the_field()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");

        using var empty = await admin.SubmitAsync(PathOf(platform), "edit-department", new() { ["Edit.Name"] = " ", ["Edit.Description"] = "" });
        var refused = await Page.ReadAsync(empty);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("id=\"department-name-error\"", refused.Html, StringComparison.Ordinal);
        Assert.Contains("<h1>Platform</h1>", (await admin.GetAsync(PathOf(platform))).Html, StringComparison.Ordinal);

        using var renamed = await admin.SubmitAsync(PathOf(platform), "edit-department", new() { ["Edit.Name"] = "Platform engineering", ["Edit.Description"] = "Paved roads." });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        var page = await admin.GetAsync(PathOf(platform));
        Assert.Contains("<h1>Platform engineering</h1>", page.Html, StringComparison.Ordinal);
        Assert.Contains("Paved roads.", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_department_needs_its_typed_name_and_moves_its_projects_where_the_admin_chose()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var payments = await UiSteps.CreateDepartmentAsync(admin, orgId, "Payments");
        var project = await UiSteps.CreateProjectAsync(admin, orgId, platform, "Checkout revamp");
        var before = await app.SnapshotAsync();

        using var mistyped = await admin.SubmitAsync(PathOf(platform), "delete-department", new()
        {
            ["Remove.Projects"] = "MoveTo",
            ["Remove.MoveToDepartmentId"] = payments.ToString(),
            ["Remove.ConfirmName"] = "Platfrom",
        });
        var refused = await Page.ReadAsync(mistyped);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("id=\"confirm-name-error\"", refused.Html, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());

        using var deleted = await admin.SubmitAsync(PathOf(platform), "delete-department", new()
        {
            ["Remove.Projects"] = "MoveTo",
            ["Remove.MoveToDepartmentId"] = payments.ToString(),
            ["Remove.ConfirmName"] = "Platform",
        });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal($"/orgs/{orgId}/departments", Page.LocalPath(deleted.Headers.Location));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(PathOf(platform))).Status);
        Assert.Contains($"/projects/{project}\"", (await admin.GetAsync(PathOf(payments))).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_with_its_projects_removes_them_too()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var project = await UiSteps.CreateProjectAsync(admin, orgId, platform, "Checkout revamp");

        using var deleted = await admin.SubmitAsync(PathOf(platform), "delete-department", new() { ["Remove.Projects"] = "DeleteProjects", ["Remove.ConfirmName"] = "Platform" });

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/orgs/{orgId}/projects/{project}")).Status);
    }

    [Fact]
    public async Task A_member_is_offered_neither_form_and_posting_them_anyway_is_refused_with_nothing_written()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var adminPage = await admin.GetAsync(PathOf(platform));
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "dept-member@example.test");

        var page = await member.GetAsync(PathOf(platform));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("edit-department", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("delete-department", page.Html, StringComparison.Ordinal);

        // The admin's forms, posted from the member's session with the member's own antiforgery token.
        var token = page.Form("create-project")["__RequestVerificationToken"];
        var before = await app.SnapshotAsync();
        var edit = new Dictionary<string, string>(adminPage.Form("edit-department")) { ["__RequestVerificationToken"] = token };
        var remove = new Dictionary<string, string>(adminPage.Form("delete-department")) { ["__RequestVerificationToken"] = token };

        using var renamed = await member.PostAsync(PathOf(platform), edit, new() { ["Edit.Name"] = "Taken over" });
        using var deleted = await member.PostAsync(PathOf(platform), remove, new() { ["Remove.ConfirmName"] = "Platform" });

        // The page renders neither form for the member, so the post is refused before any handler runs (400); a handler
        // reached would meet the use case's own refusal (403).
        Assert.True(renamed.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, renamed.StatusCode.ToString());
        Assert.True(deleted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, deleted.StatusCode.ToString());
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Another_organizations_department_is_not_found_and_its_forms_change_nothing()
    {
        var platform = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        var adminPage = await admin.GetAsync(PathOf(platform));
        var (outsider, evil) = await UiBrowser.WithOrganizationAsync(app, "dept-outsider@example.test", "Evil");
        using var _outsider = outsider;
        var own = await outsider.GetAsync($"/orgs/{evil}/departments");
        var before = await app.SnapshotAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(PathOf(platform))).Status);
        var token = own.Form("create-department")["__RequestVerificationToken"];
        var remove = new Dictionary<string, string>(adminPage.Form("delete-department")) { ["__RequestVerificationToken"] = token };
        using var deleted = await outsider.PostAsync(PathOf(platform), remove, new() { ["Remove.ConfirmName"] = "Platform" });

        Assert.True(deleted.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, deleted.StatusCode.ToString());
        Assert.DoesNotContain("Platform", await deleted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }
}
