using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Exports;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.SignOff;

/// <summary>
/// The agents' sign-off policy, evaluated by the authorization model: what an agent (an MCP caller) may set on its own, the
/// request that waits for a person otherwise, and the person's decision. Acme: admin Ada, plain member Ben; Evil Corp: Eve.
/// </summary>
public sealed class AgentSignOffTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Caller Agent(Caller person) => person with { Surface = Surface.Mcp, Client = "claude-code" };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Under_the_default_policy_an_agents_Done_waits_for_a_person_and_the_rest_of_the_change_is_saved(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var item = (await world.ChecklistAsync(project)).AllItems().First(i => !i.Optional);

        var working = await Update(world, Agent(world.Ada), project, item, ChecklistItemStatus.InProgress);
        var asked = await Update(world, Agent(world.Ada), project, working, ChecklistItemStatus.Done, notes: "Threat model drafted.", link: "https://example.com/tm", rationale: "All four sections are filled in.");

        Assert.Equal(ChecklistItemStatus.InProgress, working.Status);
        Assert.Null(working.AwaitingConfirmation);
        Assert.Equal((ChecklistItemStatus.InProgress, ChecklistItemStatus.Done, "Threat model drafted.", "https://example.com/tm"), (asked.Status, asked.AwaitingConfirmation, asked.Notes, asked.EvidenceLinks.Single()));
        var request = Assert.Single(await SignOff(world, world.Ben, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(project), Cancel)));
        Assert.Equal((item.Id, ChecklistItemStatus.Done, "All four sections are filled in.", world.Ada.UserId, "claude-code", SignOffState.Awaiting), (request.ItemId, request.Status, request.Rationale, request.RequestedByUserId, request.Client, request.State));
        var progress = (await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, project, Cancel))).Progress;
        Assert.Equal(0, progress.Done);
        var history = await world.Activity(world.Ada, (a, c) => a.ListForItemAsync(c, world.Acme, project, item.Id, new ListActivityRequest(), Cancel));
        Assert.Equal(ChecklistService.ConfirmationRequestedAction, history.Items[0].Action);
        Assert.Equal((ActorKind.Agent, "ada through claude-code"), (history.Items[0].Actor.Kind, history.Items[0].Actor.Description));
        var csv = (await Export(world, project, ExportFormat.Csv)).Split('\n');
        Assert.EndsWith(",Done", csv.Single(l => l.Contains($",{item.ItemSlug},", StringComparison.Ordinal)).TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Contains("- Awaiting confirmation: an agent set Done", await Export(world, project, ExportFormat.Markdown), StringComparison.Ordinal);
    }

    private static async Task<string> Export(ProjectWorld world, Guid project, ExportFormat format)
        => (await world.Core.InScopeAsync(sp => sp.GetRequiredService<ExportService>().ExportChecklistAsync(world.Ada, world.Acme, project, new ExportChecklistRequest(format), Cancel))).Content;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_person_acting_directly_and_an_agent_under_a_permissive_policy_set_Done_at_once(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var items = (await world.ChecklistAsync(project)).AllItems().ToList();

        var byPerson = await Update(world, world.Ada, project, items[0], ChecklistItemStatus.Done);
        var policy = await Policies(world, world.Ada, (s, c) => s.SetAsync(c, world.Acme, new SetAgentPolicyRequest([ChecklistItemStatus.InProgress, ChecklistItemStatus.Done]), Cancel));
        var byAgent = await Update(world, Agent(world.Ada), project, items[1], ChecklistItemStatus.Done);
        var stillAsked = await Update(world, Agent(world.Ada), project, items[2], ChecklistItemStatus.NotApplicable, reason: "No users.");
        var startedAgain = await Update(world, Agent(world.Ada), project, byAgent, ChecklistItemStatus.NotStarted);

        Assert.Equal((ChecklistItemStatus.Done, null), (byPerson.Status, byPerson.AwaitingConfirmation));
        Assert.Equal([ChecklistItemStatus.InProgress, ChecklistItemStatus.Done], policy.AgentsMaySetAlone);
        Assert.Equal([ChecklistItemStatus.NotStarted, ChecklistItemStatus.NotApplicable], policy.NeedConfirmation);
        Assert.Equal(policy.AgentsMaySetAlone, policy.YourAgentsMaySetAlone);
        Assert.Equal((ChecklistItemStatus.Done, null), (byAgent.Status, byAgent.AwaitingConfirmation));
        Assert.Equal(ChecklistItemStatus.NotApplicable, stillAsked.AwaitingConfirmation);
        Assert.Equal((ChecklistItemStatus.Done, ChecklistItemStatus.NotStarted), (startedAgain.Status, startedAgain.AwaitingConfirmation));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_role_template_widens_the_policy_for_its_assignees_and_one_that_narrows_it_wins(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var items = (await world.ChecklistAsync(project)).AllItems().ToList();
        var trusted = await Roles(world, (s, c) => s.CreateAsync(c, world.Acme, new("Trusted agents", null, ["update_checklists", "agents_set_done_alone"]), Cancel));
        await Roles(world, (s, c) => s.AssignAsync(c, world.Acme, trusted.Id, new(world.Ben.UserId), Cancel));

        var widened = await Update(world, Agent(world.Ben), project, items[0], ChecklistItemStatus.Done);
        var forBen = await Policies(world, world.Ben, (s, c) => s.GetAsync(c, world.Acme, Cancel));
        var careful = await Roles(world, (s, c) => s.CreateAsync(c, world.Acme, new("Careful", null, ["agents_confirm_done"]), Cancel));
        await Roles(world, (s, c) => s.AssignAsync(c, world.Acme, careful.Id, new(world.Ben.UserId), Cancel));
        var narrowed = await Update(world, Agent(world.Ben), project, items[1], ChecklistItemStatus.Done);
        var forAda = await Update(world, Agent(world.Ada), project, items[2], ChecklistItemStatus.Done);

        Assert.Equal(ChecklistItemStatus.Done, widened.Status);
        Assert.Contains(ChecklistItemStatus.Done, forBen.YourAgentsMaySetAlone);
        Assert.DoesNotContain(ChecklistItemStatus.Done, forBen.AgentsMaySetAlone);
        Assert.Equal((ChecklistItemStatus.NotStarted, ChecklistItemStatus.Done), (narrowed.Status, narrowed.AwaitingConfirmation));
        Assert.Equal(ChecklistItemStatus.Done, forAda.AwaitingConfirmation);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_person_confirms_and_the_item_takes_the_status_or_sends_it_back_with_a_comment_the_agent_reads(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var items = (await world.ChecklistAsync(project)).AllItems().ToList();
        await Update(world, Agent(world.Ada), project, items[0], ChecklistItemStatus.Done, rationale: "Reviewed.");
        await Update(world, Agent(world.Ada), project, items[1], ChecklistItemStatus.NotApplicable, reason: "No personal data.");
        var requests = await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(project), Cancel));
        var done = requests.Single(r => r.ItemId == items[0].Id);
        var notApplicable = requests.Single(r => r.ItemId == items[1].Id);
        var byItem = await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(project, Limit: 1, ItemId: items[1].Id), Cancel));
        Assert.Equal(notApplicable.Id, Assert.Single(byItem).Id);

        var noComment = await Assert.ThrowsAsync<ValidationException>(() => SignOff(world, world.Ada, (s, c) => s.SendBackAsync(c, world.Acme, notApplicable.Id, new SignOffDecision("  "), Cancel)));
        var confirmed = await SignOff(world, world.Ada, (s, c) => s.ConfirmAsync(c, world.Acme, done.Id, new SignOffDecision(), Cancel));
        var sentBack = await SignOff(world, world.Ada, (s, c) => s.SendBackAsync(c, world.Acme, notApplicable.Id, new SignOffDecision("It stores emails: fill in the data map."), Cancel));
        var agentSees = await SignOff(world, Agent(world.Ada), (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(State: SignOffState.SentBack, Mine: true), Cancel));
        var checklist = (await world.ChecklistAsync(project)).AllItems().ToDictionary(i => i.Id);

        Assert.Equal("Comment", Assert.Single(noComment.Errors).PropertyName);
        Assert.Equal((SignOffState.Confirmed, world.Ada.UserId), (confirmed.State, confirmed.DecidedByUserId));
        Assert.Equal((ChecklistItemStatus.Done, null), (checklist[items[0].Id].Status, checklist[items[0].Id].AwaitingConfirmation));
        Assert.Equal((ChecklistItemStatus.NotStarted, null, null), (checklist[items[1].Id].Status, checklist[items[1].Id].AwaitingConfirmation, checklist[items[1].Id].NotApplicableReason));
        Assert.Equal(SignOffState.SentBack, sentBack.State);
        Assert.Equal("It stores emails: fill in the data map.", Assert.Single(agentSees).Comment);
        var history = await world.Activity(world.Ada, (a, c) => a.ListForProjectAsync(c, world.Acme, project, new ListActivityRequest(), Cancel));
        Assert.Contains(history.Items, e => e.Action == SignOffService.ConfirmedAction && e.ChecklistItemId == items[0].Id);
        Assert.Contains(history.Items, e => e.Action == SignOffService.SentBackAction && e.ChecklistItemId == items[1].Id && e.Changes.GetProperty("comment").GetProperty("to").GetString()!.Contains("data map"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_a_person_who_may_set_the_status_decides_and_another_organization_finds_nothing(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var item = (await world.ChecklistAsync(project)).AllItems().First();
        await Update(world, Agent(world.Ada), project, item, ChecklistItemStatus.Done);
        var request = Assert.Single(await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(), Cancel)));

        await Assert.ThrowsAsync<ForbiddenException>(() => SignOff(world, Agent(world.Ada), (s, c) => s.ConfirmAsync(c, world.Acme, request.Id, new SignOffDecision(), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => SignOff(world, world.Ben, (s, c) => s.ConfirmAsync(c, world.Acme, request.Id, new SignOffDecision(), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => SignOff(world, world.Eve, (s, c) => s.ConfirmAsync(c, world.Acme, request.Id, new SignOffDecision(), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => SignOff(world, world.Eve, (s, c) => s.ConfirmAsync(c, world.Evil, request.Id, new SignOffDecision(), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => SignOff(world, world.Eve, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(), Cancel)));
        Assert.Empty(await SignOff(world, world.Eve, (s, c) => s.ListAsync(c, world.Evil, new ListSignOffRequests(), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Policies(world, world.Ben, (s, c) => s.SetAsync(c, world.Acme, new SetAgentPolicyRequest([ChecklistItemStatus.Done]), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Policies(world, world.Eve, (s, c) => s.SetAsync(c, world.Acme, new SetAgentPolicyRequest([ChecklistItemStatus.Done]), Cancel)));

        var still = await SignOff(world, world.Ada, (s, c) => s.GetAsync(c, world.Acme, request.Id, Cancel));
        Assert.Equal(SignOffState.Awaiting, still.State);
        Assert.Equal((ChecklistItemStatus.NotStarted, ChecklistItemStatus.Done), (still.CurrentStatus, (await world.ItemAsync(project, item.ItemSlug)).AwaitingConfirmation));
        Assert.DoesNotContain(ChecklistItemStatus.Done, (await Policies(world, world.Ada, (s, c) => s.GetAsync(c, world.Acme, Cancel))).AgentsMaySetAlone);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_later_request_or_a_direct_change_withdraws_the_waiting_one_and_a_decided_request_cannot_be_decided_again(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var item = (await world.ChecklistAsync(project)).AllItems().First();
        var first = await Update(world, Agent(world.Ada), project, item, ChecklistItemStatus.Done);
        var second = await Update(world, Agent(world.Ada), project, first, ChecklistItemStatus.NotApplicable, reason: "Out of scope.");
        var all = await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(State: null), Cancel));
        var direct = await Update(world, world.Ada, project, second, ChecklistItemStatus.InProgress);
        var afterDirect = await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(State: null), Cancel));

        Assert.Equal([SignOffState.Awaiting, SignOffState.Withdrawn], all.Select(r => r.State));
        Assert.Equal((ChecklistItemStatus.InProgress, null), (direct.Status, direct.AwaitingConfirmation));
        Assert.All(afterDirect, r => Assert.Equal(SignOffState.Withdrawn, r.State));
        await Assert.ThrowsAsync<ConflictException>(() => SignOff(world, world.Ada, (s, c) => s.ConfirmAsync(c, world.Acme, all[0].Id, new SignOffDecision(), Cancel)));
        Assert.Equal(ChecklistItemStatus.InProgress, (await world.ItemAsync(project, item.ItemSlug)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_people_deciding_the_same_request_at_once_one_decision_stands(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var item = (await world.ChecklistAsync(project)).AllItems().First();
        await world.Core.AddMemberAsync(world.Acme, world.Eve, EngineeringFramework.Core.Organizations.MembershipRole.Admin);
        await Update(world, Agent(world.Ada), project, item, ChecklistItemStatus.Done);
        var request = Assert.Single(await SignOff(world, world.Ada, (s, c) => s.ListAsync(c, world.Acme, new ListSignOffRequests(), Cancel)));

        var (confirm, sendBack) = await Race.RunAsync<SignOffService>(
            world.Core,
            s => s.ConfirmAsync(world.Ada, world.Acme, request.Id, new SignOffDecision(), Cancel),
            s => s.SendBackAsync(world.Eve, world.Acme, request.Id, new SignOffDecision("Not yet."), Cancel));

        Assert.True(confirm is null ^ sendBack is null, $"exactly one decision should stand: {confirm?.GetType().Name}, {sendBack?.GetType().Name}");
        Assert.IsType<ConflictException>(confirm ?? sendBack);
        var decided = await SignOff(world, world.Ada, (s, c) => s.GetAsync(c, world.Acme, request.Id, Cancel));
        var after = await world.ItemAsync(project, item.ItemSlug);
        Assert.Equal(confirm is null ? (SignOffState.Confirmed, ChecklistItemStatus.Done) : (SignOffState.SentBack, ChecklistItemStatus.NotStarted), (decided.State, after.Status));
        var decisions = await world.Core.InScopeAsync(sp => sp.GetRequiredService<AppDbContext>().ActivityEntries.IgnoreQueryFilters()
            .CountAsync(e => e.Action == SignOffService.ConfirmedAction || e.Action == SignOffService.SentBackAction, Cancel));
        Assert.Equal(1, decisions);
    }

    private static Task<ChecklistItemView> Update(
        ProjectWorld world, Caller caller, Guid project, ChecklistItemView item, ChecklistItemStatus status, string? reason = null, string? notes = null, string? link = null, string? rationale = null)
        => world.Checklists(caller, (s, c) => s.UpdateItemAsync(
            c, world.Acme, project, item.Id,
            new UpdateChecklistItemRequest(item.Version, status, reason, notes ?? item.Notes, item.AssigneeUserId, item.DueDate, link is null ? item.EvidenceLinks : [.. item.EvidenceLinks, link], rationale),
            Cancel));

    private static Task<T> SignOff<T>(ProjectWorld world, Caller caller, Func<SignOffService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<SignOffService>(), caller));

    private static Task<T> Policies<T>(ProjectWorld world, Caller caller, Func<AgentPolicyService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<AgentPolicyService>(), caller));

    private static Task<T> Roles<T>(ProjectWorld world, Func<RoleTemplateService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<RoleTemplateService>(), world.Ada));
}
