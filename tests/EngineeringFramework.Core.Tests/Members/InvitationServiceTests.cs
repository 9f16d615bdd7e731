using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.Members;

public sealed partial class InvitationServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<Team> CreateAsync(DatabaseProvider? provider = null, FakeTimeProvider? time = null)
        => Team.CreateAsync(provider, time ?? new FakeTimeProvider(Start));

    private static Task<InvitationSummary> InviteAsync(Team team, Caller caller, string email, MembershipRole role = MembershipRole.Member)
        => team.Use<InvitationService, InvitationSummary>(s => s.InviteAsync(caller, team.Acme, new(email, role), Cancel));

    private static Task<AcceptedInvitation> AcceptAsync(Team team, Caller caller, string token)
        => team.Use<InvitationService, AcceptedInvitation>(s => s.AcceptAsync(caller, new(token), Cancel));

    private static Task<IReadOnlyList<MailMessage>> MailAsync(Team team)
        => team.InScopeAsync(sp => Task.FromResult(((CapturingMailSender)sp.GetRequiredService<IMailSender>()).Sent));

    private static string TokenIn(MailMessage message) => Link().Match(message.TextBody).Groups[1].Value;

    [GeneratedRegex("https://ef\\.test/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex Link();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invitation_mails_a_link_whose_token_is_stored_only_as_its_sha256(DatabaseProvider provider)
    {
        await using var team = await CreateAsync(provider);

        var invitation = await InviteAsync(team, team.Ada, "  Carl@Example.com ");

        var message = Assert.Single(await MailAsync(team));
        var token = TokenIn(message);
        Assert.Equal("carl@example.com", message.To);
        Assert.Contains("Acme", message.Subject, StringComparison.Ordinal);
        Assert.Contains($"https://ef.test/invitations/{token}", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(Start.UtcDateTime.AddDays(7), invitation.ExpiresAt);
        await using var db = team.AcmeDb();
        var stored = await db.Invitations.SingleAsync(Cancel);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
        Assert.Equal("carl@example.com", stored.Email);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Accepting_adds_membership_and_tuple_in_one_save_and_the_token_works_once(DatabaseProvider provider)
    {
        await using var team = await CreateAsync(provider);
        var carl = await team.Core.CreateUserAsync("carl");
        var dora = await team.Core.CreateUserAsync("dora");
        await InviteAsync(team, team.Ada, "carl@example.com");
        var token = TokenIn(Assert.Single(await MailAsync(team)));
        var changesBefore = await team.TupleChangeCountAsync();

        var accepted = await AcceptAsync(team, carl, token);

        Assert.Equal(new AcceptedInvitation(team.Acme, "Acme", MembershipRole.Member), accepted);
        Assert.Equal(changesBefore + 1, await team.TupleChangeCountAsync());
        Assert.True(await team.CheckAsync(carl, "can_view", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(carl, "admin", Fga.Organization(team.Acme)));
        await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, dora, token));
        await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, carl, token));
        Assert.False(await team.CheckAsync(dora, "can_view", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        var invitation = await db.Invitations.SingleAsync(Cancel);
        Assert.Equal(carl.UserId, invitation.AcceptedByUserId);
        Assert.Equal(Start.UtcDateTime, invitation.AcceptedAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invitation_accepted_by_the_wrong_account_is_refused_and_membership_is_unchanged(DatabaseProvider provider)
    {
        await using var team = await CreateAsync(provider);
        var carl = await team.Core.CreateUserAsync("carl");
        var mallory = await team.Core.CreateUserAsync("mallory");
        await InviteAsync(team, team.Ada, "carl@example.com", MembershipRole.Admin);
        var token = TokenIn(Assert.Single(await MailAsync(team)));
        var changesBefore = await team.TupleChangeCountAsync();

        var refused = await Assert.ThrowsAsync<InvitationForAnotherAccountException>(() => AcceptAsync(team, mallory, token));

        Assert.Equal("Token", refused.Field);
        Assert.Equal("c•••@example.com", refused.InvitedAddressMasked);
        Assert.Contains("c•••@example.com", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("carl@", refused.Message, StringComparison.Ordinal);
        Assert.Equal(changesBefore, await team.TupleChangeCountAsync());
        Assert.False(await team.CheckAsync(mallory, "can_view", Fga.Organization(team.Acme)));
        await using (var db = team.AcmeDb())
        {
            Assert.False(await db.Memberships.AnyAsync(m => m.UserId == mallory.UserId, Cancel));
            Assert.Null((await db.Invitations.SingleAsync(Cancel)).AcceptedAt);
        }

        // The invitation is still there for the account it was sent to.
        Assert.Equal(MembershipRole.Admin, (await AcceptAsync(team, carl, token)).Role);
        Assert.True(await team.CheckAsync(carl, "admin", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task An_unconfirmed_address_is_refused_even_when_it_is_the_invited_one()
    {
        await using var team = await CreateAsync();
        var unconfirmed = await team.Core.CreateUserAsync("carl", emailVerified: false);
        await InviteAsync(team, team.Ada, "carl@example.com");
        var token = TokenIn(Assert.Single(await MailAsync(team)));

        var refused = await Assert.ThrowsAsync<InvitationForAnotherAccountException>(() => AcceptAsync(team, unconfirmed, token));

        Assert.Contains("not confirmed", refused.Message, StringComparison.Ordinal);
        Assert.False(await team.CheckAsync(unconfirmed, "can_view", Fga.Organization(team.Acme)));
        Assert.Single(await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel)));
    }

    [Fact]
    public async Task The_invited_address_matches_the_accounts_without_regard_to_case()
    {
        await using var team = await CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl", email: "Carl@EXAMPLE.com");
        await InviteAsync(team, team.Ada, "carl@example.com");

        var accepted = await AcceptAsync(team, carl, TokenIn(Assert.Single(await MailAsync(team))));

        Assert.Equal(team.Acme, accepted.OrganizationId);
    }

    [Theory]
    [InlineData("carl@example.com", "c•••@example.com")]
    [InlineData("a@b.io", "a•••@b.io")]
    [InlineData("😀x@example.com", "😀•••@example.com")]
    [InlineData("not-an-address", "•••")]
    public void Masked_address_keeps_the_first_character_and_the_domain(string address, string masked)
        => Assert.Equal(masked, InvitationForAnotherAccountException.Mask(address));

    [Fact]
    public async Task Invited_admin_joins_as_admin()
    {
        await using var team = await CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");

        await InviteAsync(team, team.Ada, "carl@example.com", MembershipRole.Admin);
        var accepted = await AcceptAsync(team, carl, TokenIn(Assert.Single(await MailAsync(team))));

        Assert.Equal(MembershipRole.Admin, accepted.Role);
        Assert.True(await team.CheckAsync(carl, "admin", Fga.Organization(team.Acme)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invitation_expires_after_seven_days(DatabaseProvider provider)
    {
        var time = new FakeTimeProvider(Start);
        await using var team = await CreateAsync(provider, time);
        var carl = await team.Core.CreateUserAsync("carl");
        await InviteAsync(team, team.Ada, "carl@example.com");
        var token = TokenIn(Assert.Single(await MailAsync(team)));

        time.Advance(TimeSpan.FromDays(7));

        await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, carl, token));
        Assert.Empty(await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel)));
        Assert.False(await team.CheckAsync(carl, "can_view", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Invitation_is_still_good_just_before_it_expires()
    {
        var time = new FakeTimeProvider(Start);
        await using var team = await CreateAsync(null, time);
        var carl = await team.Core.CreateUserAsync("carl");
        await InviteAsync(team, team.Ada, "carl@example.com");

        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));

        Assert.Equal(team.Acme, (await AcceptAsync(team, carl, TokenIn(Assert.Single(await MailAsync(team))))).OrganizationId);
    }

    [Fact]
    public async Task Revoked_and_unknown_tokens_get_the_same_not_found()
    {
        await using var team = await CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");
        var invitation = await InviteAsync(team, team.Ada, "carl@example.com");
        var token = TokenIn(Assert.Single(await MailAsync(team)));

        await team.Use<InvitationService>(s => s.RevokeAsync(team.Ada, team.Acme, invitation.Id, Cancel));

        var revoked = await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, carl, token));
        var unknown = await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, carl, "A" + token[1..]));
        Assert.Equal(unknown.Message, revoked.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => team.Use<InvitationService>(s => s.RevokeAsync(team.Ada, team.Acme, invitation.Id, Cancel)));
        Assert.False(await team.CheckAsync(carl, "can_view", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Inviting_the_same_address_again_replaces_the_pending_invitation()
    {
        await using var team = await CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");

        await InviteAsync(team, team.Ada, "carl@example.com");
        var second = await InviteAsync(team, team.Ada, "CARL@example.com");

        var mail = await MailAsync(team);
        var pending = await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel));
        Assert.Equal(second.Id, Assert.Single(pending).Id);
        await Assert.ThrowsAsync<NotFoundException>(() => AcceptAsync(team, carl, TokenIn(mail[0])));
        Assert.Equal(team.Acme, (await AcceptAsync(team, carl, TokenIn(mail[1]))).OrganizationId);
    }

    [Fact]
    public async Task Inviting_an_address_again_or_revoking_one_invitation_leaves_every_other_invitation_pending()
    {
        await using var team = await CreateAsync();
        var dora = await InviteAsync(team, team.Ada, "dora@example.com");
        var erin = await InviteAsync(team, team.Ada, "erin@example.com");
        var carl = await InviteAsync(team, team.Ada, "carl@example.com");

        var carlAgain = await InviteAsync(team, team.Ada, "carl@example.com");
        await team.Use<InvitationService>(s => s.RevokeAsync(team.Ada, team.Acme, dora.Id, Cancel));

        var pending = await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel));
        Assert.Equal(new[] { carlAgain.Id, erin.Id }.Order(), pending.Select(i => i.Id).Order());
        Assert.DoesNotContain(carl.Id, pending.Select(i => i.Id));
    }

    [Fact]
    public async Task Pending_invitations_are_listed_newest_first_and_those_of_one_instant_by_id()
    {
        var time = new FakeTimeProvider(Start);
        await using var team = await CreateAsync(null, time);
        var first = await InviteAsync(team, team.Ada, "dora@example.com");
        time.Advance(TimeSpan.FromMinutes(1));
        var sameInstant = new[] { await InviteAsync(team, team.Ada, "erin@example.com"), await InviteAsync(team, team.Ada, "fred@example.com") };

        var pending = await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel));

        Assert.Equal([.. sameInstant.Select(i => i.Id).Order(), first.Id], pending.Select(i => i.Id));
    }

    [Fact]
    public async Task Inviting_an_existing_member_is_a_conflict()
    {
        await using var team = await CreateAsync();

        await Assert.ThrowsAsync<ConflictException>(() => InviteAsync(team, team.Ada, "Ben@example.com"));

        Assert.Empty(await MailAsync(team));
    }

    [Fact]
    public async Task Accepting_while_already_a_member_is_a_conflict_and_leaves_the_invitation_open()
    {
        await using var team = await CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");
        await InviteAsync(team, team.Ada, "carl@example.com");
        var token = TokenIn(Assert.Single(await MailAsync(team)));
        await team.Core.AddMemberAsync(team.Acme, carl);

        await Assert.ThrowsAsync<ConflictException>(() => AcceptAsync(team, carl, token));

        Assert.Single(await team.Use<InvitationService, IReadOnlyList<InvitationSummary>>(s => s.ListPendingAsync(team.Ada, team.Acme, Cancel)));
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_invitation_operation()
    {
        await using var team = await CreateAsync();
        var invitation = await InviteAsync(team, team.Ada, "carl@example.com");

        await team.Use<InvitationService>(async s =>
        {
            await Assert.ThrowsAsync<NotFoundException>(() => s.InviteAsync(team.Eve, team.Acme, new("mole@example.com"), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.ListPendingAsync(team.Eve, team.Acme, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.RevokeAsync(team.Eve, team.Acme, invitation.Id, Cancel));
        });
        // Eve's own organization does not reach Acme's invitations either.
        await Assert.ThrowsAsync<NotFoundException>(() => team.Use<InvitationService>(s => s.RevokeAsync(team.Eve, team.Evil, invitation.Id, Cancel)));

        Assert.Single(await MailAsync(team));
        await using var db = team.AcmeDb();
        Assert.Null((await db.Invitations.SingleAsync(Cancel)).RevokedAt);
    }

    [Fact]
    public async Task Member_without_can_manage_members_gets_forbidden_for_every_invitation_operation()
    {
        await using var team = await CreateAsync();
        var invitation = await InviteAsync(team, team.Ada, "carl@example.com");

        await team.Use<InvitationService>(async s =>
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => s.InviteAsync(team.Ben, team.Acme, new("pal@example.com"), Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.ListPendingAsync(team.Ben, team.Acme, Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.RevokeAsync(team.Ben, team.Acme, invitation.Id, Cancel));
        });
        Assert.Single(await MailAsync(team));
    }

    [Fact]
    public async Task Manage_members_role_may_invite_members_but_not_admins()
    {
        await using var team = await CreateAsync();
        var hr = await team.AddMemberWithRoleAsync("hana", "manage_members");

        await InviteAsync(team, hr, "carl@example.com");
        await Assert.ThrowsAsync<ForbiddenException>(() => InviteAsync(team, hr, "dora@example.com", MembershipRole.Admin));

        Assert.Equal(["carl@example.com"], (await MailAsync(team)).Select(m => m.To));
    }

    [Theory]
    [InlineData("", MembershipRole.Member, "Email")]
    [InlineData("not-an-email", MembershipRole.Member, "Email")]
    [InlineData("carl@example.com", (MembershipRole)42, "Role")]
    public async Task Invalid_invitation_names_the_field_and_writes_nothing(string email, MembershipRole role, string field)
    {
        await using var team = await CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => InviteAsync(team, team.Ada, email, role));

        Assert.Contains(error.Errors, e => e.PropertyName == field);
        Assert.Empty(await MailAsync(team));
        await using var db = team.Core.Database.CreateContext();
        Assert.Equal(0, await db.Invitations.BypassTenantFilter().CountAsync(Cancel));
    }

    [Fact]
    public async Task Empty_token_is_a_validation_error_naming_the_token()
    {
        await using var team = await CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => AcceptAsync(team, team.Eve, ""));

        Assert.Equal("Token", Assert.Single(error.Errors).PropertyName);
    }
}
