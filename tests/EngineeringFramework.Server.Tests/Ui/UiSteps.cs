using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>Steps several UI tests share, each taken through the pages' own forms.</summary>
internal static partial class UiSteps
{
    public static async Task<Guid> CreateDepartmentAsync(UiBrowser browser, Guid orgId, string name)
    {
        using var created = await browser.SubmitAsync($"/orgs/{orgId}/departments", "create-department", new() { ["Input.Name"] = name });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return Guid.Parse(DepartmentPath().Match(Page.LocalPath(created.Headers.Location)!).Groups[1].Value);
    }

    public static async Task<Guid> CreateProjectAsync(UiBrowser browser, Guid orgId, Guid departmentId, string name, string targetDate = "")
    {
        using var created = await browser.SubmitAsync($"/orgs/{orgId}/departments/{departmentId}", "create-project", new()
        {
            ["Input.Name"] = name,
            ["Input.Description"] = "Launch the thing.",
            ["Input.TargetDate"] = targetDate,
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return Guid.Parse(ProjectPath().Match(Page.LocalPath(created.Headers.Location)!).Groups[1].Value);
    }

    /// <summary>An organization with one department and one project, made by a freshly signed-up user.</summary>
    public static async Task<(UiBrowser Browser, Guid OrgId, Guid ProjectId)> ProjectAsync(Support.TestApp app, string email)
    {
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(app, email, "Org of " + email);
        var departmentId = await CreateDepartmentAsync(browser, orgId, "Platform");
        return (browser, orgId, await CreateProjectAsync(browser, orgId, departmentId, "Checkout revamp"));
    }

    /// <summary>
    /// Someone new joins the admin's organization the way people do: the admin invites them through the members
    /// page, they sign up and accept the mailed link. Returns their signed-in browser.
    /// </summary>
    public static async Task<UiBrowser> JoinAsync(Support.TestApp app, UiBrowser admin, Guid orgId, string email, string role = "Member")
    {
        using var invited = await admin.SubmitAsync($"/orgs/{orgId}/members", "invite-member", new() { ["Invite.Email"] = email, ["Invite.Role"] = role });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var mail = (await Identity.Support.Outbox.MessagesAsync(app)).Single(m => m.Contains("To: " + email, StringComparison.Ordinal) && m.Contains("/invitations/", StringComparison.Ordinal));
        var link = new Uri(InvitationLink().Match(mail).Value).PathAndQuery;
        var member = await UiBrowser.SignUpAsync(app, email);
        using var joined = await member.SubmitAsync(link, "accept-invitation", []);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        return member;
    }

    /// <summary>
    /// A signed-up user made a system super-admin the way an operator does (<c>admin grant-super-admin</c>, which calls
    /// <see cref="Core.SystemAdministration.SuperAdmins"/>), after their first page provisioned them. They belong to no organization.
    /// </summary>
    public static async Task<UiBrowser> SuperAdminAsync(Support.TestApp app, string email)
    {
        var browser = await UiBrowser.SignUpAsync(app, email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/onboarding")).Status);
        await GrantSuperAdminAsync(app, email);
        return browser;
    }

    public static async Task GrantSuperAdminAsync(Support.TestApp app, string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var admins = new Core.SystemAdministration.SuperAdmins(
            scope.ServiceProvider.GetRequiredService<Core.Data.AppDbContext>(), scope.ServiceProvider.GetRequiredService<Core.Authorization.RelationshipWriter>());
        Assert.EndsWith("is now a system super-admin.", await admins.GrantAsync(email, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>
    /// The person's agent (an MCP caller, <paramref name="client"/>) sets <paramref name="status"/> on an item through the
    /// checklist use case, as the MCP tool does; under the default sign-off policy Done and Not applicable wait for a person.
    /// </summary>
    public static async Task AgentSetsAsync(Support.TestApp app, string email, Guid orgId, Guid projectId, Guid itemId, Core.Checklists.ChecklistItemStatus status, string? rationale, string client = "claude-code")
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Core.Data.AppDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(TestContext.Current.CancellationToken);
        var version = await db.ChecklistItems.BypassTenantFilter().Where(i => i.Id == itemId).Select(i => i.Version).SingleAsync(TestContext.Current.CancellationToken);
        var agent = new Core.UseCases.Caller(userId, Core.UseCases.Surface.Mcp, client);
        await scope.ServiceProvider.GetRequiredService<Core.Checklists.ChecklistService>().UpdateItemAsync(
            agent, orgId, projectId, itemId, new Core.Checklists.UpdateChecklistItemRequest(version, status, Rationale: rationale), TestContext.Current.CancellationToken);
    }

    /// <summary>The checklist items on a project page, in page order.</summary>
    public static IReadOnlyList<Guid> ItemIds(Page page)
        => [.. ItemElement().Matches(page.Html).Select(m => Guid.Parse(m.Groups[1].Value))];

    /// <summary>"N of M" required items complete, as the project page states it.</summary>
    public static (int Complete, int Required) Completed(Page page)
    {
        var match = CompletedFact().Match(page.Html);
        Assert.True(match.Success, "The project page states no completed count.");
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>An invitation link in a mailed message.</summary>
    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_\-]+")]
    internal static partial Regex InvitationLink();

    [GeneratedRegex("/orgs/[0-9a-f-]{36}/departments/([0-9a-f-]{36})$")]
    private static partial Regex DepartmentPath();

    [GeneratedRegex("/orgs/[0-9a-f-]{36}/projects/([0-9a-f-]{36})$")]
    private static partial Regex ProjectPath();

    [GeneratedRegex("<li class=\"item\" id=\"item-([0-9a-f-]{36})\"")]
    private static partial Regex ItemElement();

    [GeneratedRegex("Required items complete</dt><dd>(\\d+) of (\\d+)</dd>")]
    private static partial Regex CompletedFact();
}
