using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed partial class MembersPageTests
{
    [Fact]
    public async Task Admin_invites_through_the_form_and_the_invitee_joins_through_the_link()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "admin@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/members";

        using var invited = await admin.SubmitAsync(path, "invite-member", new() { ["Invite.Email"] = "friend@example.test", ["Invite.Role"] = "Member" });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var members = await admin.GetAsync(Page.LocalPath(invited.Headers.Location)!);
        Assert.Contains("<th scope=\"row\">friend@example.test</th>", members.Html, StringComparison.Ordinal);

        var mail = (await Outbox.MessagesAsync(app)).Single(m => m.Contains("To: friend@example.test", StringComparison.Ordinal));
        var link = new Uri(InvitationLink().Match(mail).Value).PathAndQuery;
        using var friend = await UiBrowser.SignUpAsync(app, "friend@example.test");
        Assert.Equal("/onboarding", (await friend.GetAsync("/")).Location);
        using var joined = await friend.SubmitAsync(link, "accept-invitation", []);

        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal($"/orgs/{orgId}", Page.LocalPath(joined.Headers.Location));
        Assert.Contains("<span class=\"org-name\">Acme</span>", (await friend.GetAsync($"/orgs/{orgId}")).Html, StringComparison.Ordinal);
        Assert.Contains("friend@example.test</td>", (await admin.GetAsync(path)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forwarded_invitation_link_is_refused_for_another_account_with_the_invited_address_masked()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "admin3@example.test", "Acme");
        using var _ = admin;
        using var invited = await admin.SubmitAsync($"/orgs/{orgId}/members", "invite-member", new() { ["Invite.Email"] = "invitee@example.test", ["Invite.Role"] = "Admin" });
        var mail = (await Outbox.MessagesAsync(app)).Single(m => m.Contains("To: invitee@example.test", StringComparison.Ordinal));
        var link = new Uri(InvitationLink().Match(mail).Value).PathAndQuery;
        using var stranger = await UiBrowser.SignUpAsync(app, "stranger@example.test");

        using var refused = await stranger.SubmitAsync(link, "accept-invitation", []);
        var page = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("This invitation was sent to i•••@example.test.", WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
        Assert.DoesNotContain("invitee@example.test", page.Html, StringComparison.Ordinal);
        Assert.Equal("/onboarding", (await stranger.GetAsync("/")).Location);
        using var invitee = await UiBrowser.SignUpAsync(app, "invitee@example.test");
        using var joined = await invitee.SubmitAsync(link, "accept-invitation", []);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
    }

    [Fact]
    public async Task Invalid_invitation_email_is_refused_next_to_its_field()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "admin2@example.test", "Acme");
        using var _ = admin;

        using var response = await admin.SubmitAsync($"/orgs/{orgId}/members", "invite-member", new() { ["Invite.Email"] = "not-an-address", ["Invite.Role"] = "Member" });
        var page = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("id=\"invite-email-error\"", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<th scope=\"row\">not-an-address</th>", (await admin.GetAsync($"/orgs/{orgId}/members")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_grants_and_revokes_mcp_access_with_the_buttons()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "operator@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/members";
        var page = await admin.GetAsync(path);
        var userId = Guid.Parse(GrantForm().Match(page.Html).Groups[1].Value);

        using var granted = await admin.SubmitAsync(path, $"mcp-grant-{userId}", []);
        var afterGrant = await admin.GetAsync(path);
        using var revoked = await admin.SubmitAsync(path, $"mcp-revoke-{userId}", []);
        var afterRevoke = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        Assert.Contains("<span class=\"tag tag-ok\">Granted</span>", afterGrant.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.DoesNotContain("tag-ok", afterRevoke.Html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_\-]+")]
    private static partial Regex InvitationLink();

    [GeneratedRegex("name=\"_handler\" value=\"mcp-grant-([0-9a-f-]{36})\"")]
    private static partial Regex GrantForm();
}
