using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.ServiceAccounts;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.ServiceAccounts;

/// <summary>
/// Service accounts: automation with its own tokens, shown once and kept as a hash, refused at once after revocation or
/// expiry, attributed in the history, and an agent under the organization's sign-off policy. Acme: admin Ada, plain member
/// Ben; Evil Corp: Eve.
/// </summary>
public sealed class ServiceAccountTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_token_is_shown_once_kept_only_as_a_hash_and_works_until_it_is_revoked(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var account = await CreateAsync(world, "Nightly CI", permissions: ["update_checklists"]);

        var created = await Accounts(world, world.Ada, (s, c) => s.CreateTokenAsync(c, world.Acme, account.Id, new("github-actions"), Cancel));
        var listed = Assert.Single((await Accounts(world, world.Ada, (s, c) => s.GetAsync(c, world.Acme, account.Id, Cancel))).Tokens);
        var stored = await world.Core.InScopeAsync(sp => sp.GetRequiredService<AppDbContext>().ServiceAccountTokens.BypassTenantFilter().SingleAsync(Cancel));
        var before = await AuthenticateAsync(world, created.Secret);
        var caller = await ResolveAsync(world, before!);
        await Accounts(world, world.Ada, (s, c) => s.RevokeTokenAsync(c, world.Acme, account.Id, created.Token.Id, Cancel));
        var after = await AuthenticateAsync(world, created.Secret);

        Assert.StartsWith(ServiceAccountTokenSecret.Marker, created.Secret, StringComparison.Ordinal);
        Assert.Equal((created.Token.Id, created.Secret[..12]), (listed.Id, listed.Prefix));
        Assert.Equal(ServiceAccountTokenSecret.HashOf(created.Secret), stored.Hash);
        Assert.DoesNotContain(created.Secret, System.Text.Json.JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        Assert.Equal((account.Id, world.Acme, account.UserId), (before!.ServiceAccountId, before.OrganizationId, before.UserId));
        Assert.Equal((account.UserId, true, true), (caller!.UserId, caller.IsServiceAccount, caller.HasMembership));
        Assert.Null(after);
        Assert.Null(await AuthenticateAsync(world, created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A')));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_expired_or_deleted_account_is_refused_on_its_next_request_and_last_use_is_recorded(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var world = await ProjectWorld.CreateAsync(provider, time: clock);
        var account = await CreateAsync(world, "Release bot", expiresAt: Start.AddDays(30));
        var other = await CreateAsync(world, "Load test", expiresAt: Start.AddDays(300));
        var token = await Accounts(world, world.Ada, (s, c) => s.CreateTokenAsync(c, world.Acme, account.Id, new("ci"), Cancel));
        var otherToken = await Accounts(world, world.Ada, (s, c) => s.CreateTokenAsync(c, world.Acme, other.Id, new("ci"), Cancel));

        clock.Advance(TimeSpan.FromDays(29));
        var justBefore = await AuthenticateAsync(world, token.Secret);
        var used = (await Accounts(world, world.Ada, (s, c) => s.GetAsync(c, world.Acme, account.Id, Cancel))).Tokens.Single().LastUsedAt;
        clock.Advance(TimeSpan.FromDays(1));
        var atExpiry = await AuthenticateAsync(world, token.Secret);
        var otherStillWorks = await AuthenticateAsync(world, otherToken.Secret);
        await Accounts(world, world.Ada, async (s, c) => { await s.DeleteAsync(c, world.Acme, other.Id, Cancel); return 0; });
        var afterDelete = await AuthenticateAsync(world, otherToken.Secret);

        Assert.NotNull(justBefore);
        Assert.Equal(Start.AddDays(29).UtcDateTime, used);
        Assert.Null(atExpiry);
        Assert.NotNull(otherStillWorks);
        Assert.Null(afterDelete);
        Assert.Null(await ResolveAsync(world, otherStillWorks!));
        var tuples = await world.Core.InScopeAsync(sp => sp.GetRequiredService<AppDbContext>().RelationshipTuples.BypassTenantFilter().CountAsync(t => t.User == $"user:{other.UserId}", Cancel));
        Assert.Equal(0, tuples);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Its_changes_follow_the_sign_off_policy_as_an_agent_and_the_history_names_it(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var items = (await world.ChecklistAsync(project)).AllItems().ToList();
        var account = await CreateAsync(world, "Nightly CI", permissions: ["update_checklists"]);
        var token = await Accounts(world, world.Ada, (s, c) => s.CreateTokenAsync(c, world.Acme, account.Id, new("ci"), Cancel));
        var bot = (await ResolveAsync(world, (await AuthenticateAsync(world, token.Secret))!))!.As(Surface.Api, "curl/8.5");

        var started = await Update(world, bot, project, items[0], ChecklistItemStatus.InProgress);
        var asked = await Update(world, bot, project, items[1], ChecklistItemStatus.Done, link: "https://ci.example.com/runs/42");
        var request = Assert.Single(await world.Core.InScopeAsync(sp => sp.GetRequiredService<SignOffService>().ListAsync(world.Ada, world.Acme, new ListSignOffRequests(project), Cancel)));
        var history = await world.Activity(world.Ada, (a, c) => a.ListForItemAsync(c, world.Acme, project, items[0].Id, new ListActivityRequest(), Cancel));

        // Even a caller that lost the service-account flag is an agent to the model (the stored tuple): it cannot confirm.
        var unflagged = bot with { ServiceAccount = false };
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Core.InScopeAsync(sp => sp.GetRequiredService<SignOffService>().ConfirmAsync(unflagged, world.Acme, request.Id, new SignOffDecision(), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Core.InScopeAsync(sp => sp.GetRequiredService<SignOffService>().ConfirmAsync(bot, world.Acme, request.Id, new SignOffDecision(), Cancel)));

        Assert.Equal((ChecklistItemStatus.InProgress, null), (started.Status, started.AwaitingConfirmation));
        Assert.Equal((ChecklistItemStatus.NotStarted, ChecklistItemStatus.Done), (asked.Status, asked.AwaitingConfirmation));
        Assert.Equal(account.UserId, request.RequestedByUserId);
        Assert.Equal((ActorKind.ServiceAccount, "Nightly CI (service account)"), (history.Items[0].Actor.Kind, history.Items[0].Actor.Description));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_admins_manage_service_accounts_another_organization_finds_none_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var account = await CreateAsync(world, "Nightly CI");
        var request = new ServiceAccountRequest("Sneaky", null, null, DateTimeOffset.UtcNow.AddDays(10));
        var foreignRole = await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().CreateAsync(world.Eve, world.Evil, new("Evil role", null, ["update_checklists"]), Cancel));
        var before = await CountAsync(world);

        await Assert.ThrowsAsync<ForbiddenException>(() => Accounts(world, world.Ben, (s, c) => s.ListAsync(c, world.Acme, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Accounts(world, world.Ben, (s, c) => s.CreateAsync(c, world.Acme, request, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Accounts(world, world.Ben, (s, c) => s.CreateTokenAsync(c, world.Acme, account.Id, new("x"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Accounts(world, world.Eve, (s, c) => s.CreateAsync(c, world.Acme, request, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Accounts(world, world.Eve, (s, c) => s.CreateTokenAsync(c, world.Evil, account.Id, new("x"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Accounts(world, world.Eve, (s, c) => s.GetAsync(c, world.Evil, account.Id, Cancel)));
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => Accounts(world, world.Ada, (s, c) => s.CreateAsync(c, world.Acme, request with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(400) }, Cancel)));
        var otherRole = await Assert.ThrowsAsync<ValidationException>(() => Accounts(world, world.Ada, (s, c) => s.CreateAsync(c, world.Acme, request with { RoleTemplateId = foreignRole.Id }, Cancel)));
        await Assert.ThrowsAsync<ConflictException>(() => Accounts(world, world.Ada, (s, c) => s.CreateAsync(c, world.Acme, request with { Name = " Nightly CI " }, Cancel)));

        Assert.Equal("ExpiresAt", Assert.Single(tooLong.Errors).PropertyName);
        Assert.Equal("RoleTemplateId", Assert.Single(otherRole.Errors).PropertyName);
        Assert.Equal(before, await CountAsync(world));
    }

    private static Task<(int Accounts, int Tokens, int Users, int Tuples)> CountAsync(ProjectWorld world) => world.Core.InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        return (await db.ServiceAccounts.BypassTenantFilter().CountAsync(Cancel), await db.ServiceAccountTokens.BypassTenantFilter().CountAsync(Cancel),
            await db.Users.CountAsync(Cancel), await db.RelationshipTuples.BypassTenantFilter().CountAsync(t => t.OrganizationId != null, Cancel));
    });

    private static async Task<ServiceAccountView> CreateAsync(ProjectWorld world, string name, IReadOnlyList<string>? permissions = null, DateTimeOffset? expiresAt = null)
    {
        Guid? role = null;
        if (permissions is not null)
        {
            role = (await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().CreateAsync(world.Ada, world.Acme, new($"{name} role", null, permissions), Cancel))).Id;
        }

        return await Accounts(world, world.Ada, (s, c) => s.CreateAsync(c, world.Acme, new ServiceAccountRequest(name, null, role, expiresAt ?? DateTimeOffset.UtcNow.AddDays(90)), Cancel));
    }

    private static Task<ServiceAccountIdentity?> AuthenticateAsync(ProjectWorld world, string secret)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<ServiceAccountTokens>().AuthenticateAsync(secret, Cancel));

    /// <summary>What every surface does with a validated credential: Core's one door, told it is a service account's token.</summary>
    private static Task<ResolvedCaller?> ResolveAsync(ProjectWorld world, ServiceAccountIdentity identity)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<CurrentCaller>().ResolveAsync(
            new SignInIdentity(identity.Subject, EmailClaim.From(null, null, false), identity.Name, null, ServiceAccount: true), Cancel));

    private static Task<ChecklistItemView> Update(ProjectWorld world, Caller caller, Guid project, ChecklistItemView item, ChecklistItemStatus status, string? link = null)
        => world.Checklists(caller, (s, c) => s.UpdateItemAsync(
            c, world.Acme, project, item.Id,
            new UpdateChecklistItemRequest(item.Version, status, null, item.Notes, item.AssigneeUserId, item.DueDate, link is null ? item.EvidenceLinks : [.. item.EvidenceLinks, link]),
            Cancel));

    private static Task<T> Accounts<T>(ProjectWorld world, Caller caller, Func<ServiceAccountService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<ServiceAccountService>(), caller));
}
