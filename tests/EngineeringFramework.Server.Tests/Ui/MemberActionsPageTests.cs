using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// What the members page does besides inviting, as the REST API allows: change a member's role (admins), remove a member
/// or leave (confirmed), resend or revoke a pending invitation. The controls appear only for those allowed, and a post by
/// anyone else changes nothing.
/// </summary>
public sealed partial class MemberActionsPageTests : IAsyncLifetime
{
    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;

    private string MembersPath => $"/orgs/{orgId}/members";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "members-admin@example.test", "Acme");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_changes_a_members_role_and_removes_them_only_once_confirmed()
    {
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "promoted@example.test");
        var id = await UserIdAsync("promoted@example.test");

        using var promoted = await admin.SubmitAsync(MembersPath, $"role-{id}", new() { ["Change.Role"] = "Admin" });
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Contains("name=\"_handler\" value=\"role-", (await member.GetAsync(MembersPath)).Html, StringComparison.Ordinal);

        var before = await app.SnapshotAsync();
        using var unconfirmed = await admin.SubmitAsync(MembersPath, $"remove-{id}", []);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(before, await app.SnapshotAsync());

        using var removed = await admin.SubmitAsync(MembersPath, $"remove-{id}", new() { ["Change.Confirm"] = "yes" });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.DoesNotContain("promoted@example.test", (await admin.GetAsync(MembersPath)).Html, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, (await member.GetAsync(MembersPath)).Status);
    }

    [Fact]
    public async Task The_last_admin_cannot_demote_themselves_and_is_told_why()
    {
        var self = await UserIdAsync("members-admin@example.test");
        var before = await app.SnapshotAsync();

        using var demoted = await admin.SubmitAsync(MembersPath, $"role-{self}", new() { ["Change.Role"] = "Member" });
        var page = await Page.ReadAsync(demoted);

        Assert.Equal(HttpStatusCode.Conflict, page.Status);
        Assert.Contains("admin", page.Html[page.Html.IndexOf("notice-error", StringComparison.Ordinal)..], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task A_resent_invitation_replaces_the_old_link_and_a_revoked_one_stops_working()
    {
        using var invited = await admin.SubmitAsync(MembersPath, "invite-member", new() { ["Invite.Email"] = "later@example.test", ["Invite.Role"] = "Member" });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var first = await InvitationLinksAsync("later@example.test");
        using var invitee = await UiBrowser.SignUpAsync(app, "later@example.test");

        var invitation = ResendForm().Match((await admin.GetAsync(MembersPath)).Html).Groups[1].Value;
        using var resent = await admin.SubmitAsync(MembersPath, $"resend-{invitation}", []);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        var second = (await InvitationLinksAsync("later@example.test")).Except(first).Single();
        // The accept page reads the same for any link; accepting is where a replaced or revoked link is refused.
        using (var replaced = await invitee.SubmitAsync(first.Single(), "accept-invitation", []))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, replaced.StatusCode);
        }

        var current = ResendForm().Match((await admin.GetAsync(MembersPath)).Html).Groups[1].Value;
        using var revoked = await admin.SubmitAsync(MembersPath, $"revoke-{current}", []);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using (var dead = await invitee.SubmitAsync(second, "accept-invitation", []))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, dead.StatusCode);
        }

        Assert.DoesNotContain("later@example.test", (await admin.GetAsync(MembersPath)).Html, StringComparison.Ordinal);

        // The same invitee with a live link joins: the refusals above were the links', not the account's.
        var links = await InvitationLinksAsync("later@example.test");
        using var again = await admin.SubmitAsync(MembersPath, "invite-member", new() { ["Invite.Email"] = "later@example.test", ["Invite.Role"] = "Member" });
        var live = (await InvitationLinksAsync("later@example.test")).Except(links).Single();
        using var joined = await invitee.SubmitAsync(live, "accept-invitation", []);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
    }

    [Fact]
    public async Task A_member_sees_only_their_own_leave_control_and_posting_the_admins_forms_changes_nothing()
    {
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "plain@example.test");
        var memberId = await UserIdAsync("plain@example.test");
        var adminId = await UserIdAsync("members-admin@example.test");
        var adminPage = await admin.GetAsync(MembersPath);

        var page = await member.GetAsync(MembersPath);
        Assert.DoesNotContain("value=\"role-", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"remove-{adminId}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"value=\"remove-{memberId}\"", page.Html, StringComparison.Ordinal);

        var token = page.Form($"remove-{memberId}")["__RequestVerificationToken"];
        var before = await app.SnapshotAsync();
        var demote = new Dictionary<string, string>(adminPage.Form($"role-{adminId}")) { ["__RequestVerificationToken"] = token };
        var remove = new Dictionary<string, string>(adminPage.Form($"remove-{adminId}")) { ["__RequestVerificationToken"] = token };
        using var demoted = await member.PostAsync(MembersPath, demote, new() { ["Change.Role"] = "Member" });
        using var removed = await member.PostAsync(MembersPath, remove, new() { ["Change.Confirm"] = "yes" });

        Assert.True(demoted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, demoted.StatusCode.ToString());
        Assert.True(removed.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, removed.StatusCode.ToString());
        Assert.Equal(before, await app.SnapshotAsync());

        using var left = await member.SubmitAsync(MembersPath, $"remove-{memberId}", new() { ["Change.Confirm"] = "yes" });
        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.DoesNotContain("plain@example.test", (await admin.GetAsync(MembersPath)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_members_page_is_not_found_and_its_forms_posted_there_change_nothing()
    {
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "target@example.test");
        var memberId = await UserIdAsync("target@example.test");
        using var invited = await admin.SubmitAsync(MembersPath, "invite-member", new() { ["Invite.Email"] = "pending@example.test", ["Invite.Role"] = "Member" });
        var adminPage = await admin.GetAsync(MembersPath);
        var invitation = RevokeForm().Match(adminPage.Html).Groups[1].Value;
        var (outsider, evil) = await UiBrowser.WithOrganizationAsync(app, "members-outsider@example.test", "Evil");
        using var _outsider = outsider;
        var token = (await outsider.GetAsync($"/orgs/{evil}/members")).Form("invite-member")["__RequestVerificationToken"];
        var before = await app.SnapshotAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(MembersPath)).Status);
        string[] forms = [$"role-{memberId}", $"remove-{memberId}", $"revoke-{invitation}", $"resend-{invitation}", "invite-member"];
        foreach (var form in forms)
        {
            var fields = new Dictionary<string, string>(adminPage.Form(form)) { ["__RequestVerificationToken"] = token };

            // Acme's forms posted to Acme's page, and to the outsider's own page where these ids lead nowhere.
            using var toAcme = await outsider.PostAsync(MembersPath, fields, new() { ["Change.Role"] = "Admin", ["Change.Confirm"] = "yes", ["Invite.Email"] = "spy@example.test" });
            using var toEvil = await outsider.PostAsync($"/orgs/{evil}/members", fields, new() { ["Change.Role"] = "Admin", ["Change.Confirm"] = "yes" });

            Assert.True(toAcme.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{form} on Acme: {toAcme.StatusCode}");
            Assert.True(toEvil.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{form} on Evil: {toEvil.StatusCode}");
        }

        Assert.Equal(before, await app.SnapshotAsync());
    }

    [GeneratedRegex("name=\"_handler\" value=\"revoke-([0-9a-f-]{36})\"")]
    private static partial Regex RevokeForm();

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Data.AppDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Users.Where(u => u.Email == email).Select(u => u.Id), TestContext.Current.CancellationToken);
    }

    private async Task<List<string>> InvitationLinksAsync(string email)
        => [.. (await Outbox.MessagesAsync(app))
            .Where(m => m.Contains("To: " + email, StringComparison.Ordinal) && m.Contains("/invitations/", StringComparison.Ordinal))
            .Select(m => new Uri(UiSteps.InvitationLink().Match(m).Value).PathAndQuery)];

    [GeneratedRegex("name=\"_handler\" value=\"resend-([0-9a-f-]{36})\"")]
    private static partial Regex ResendForm();
}
