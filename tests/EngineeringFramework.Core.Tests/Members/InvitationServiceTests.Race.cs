using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.Members;

/// <summary>
/// One invitation accepted twice at the same moment (<see cref="Race"/>), over many rounds: it makes exactly one
/// membership and one tuple, and the other attempt gets the product's own answer, never a database error.
/// </summary>
public sealed partial class InvitationServiceTests
{
    private const int AcceptRounds = 20;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_invited_account_accepting_twice_at_once_joins_once_and_the_other_accept_is_refused(DatabaseProvider provider)
    {
        await using var team = await CreateAsync(provider);

        for (var round = 0; round < AcceptRounds; round++)
        {
            var carl = await team.Core.CreateUserAsync($"carl{round}");
            await InviteAsync(team, team.Ada, $"carl{round}@example.com");
            var token = TokenIn((await MailAsync(team))[^1]);

            var (first, second) = await Race.RunAsync<InvitationService>(
                team.Core,
                s => s.AcceptAsync(carl, new(token), Cancel),
                s => s.AcceptAsync(carl, new(token), Cancel));

            // The loser lost the claim on the invitation (or found it used), or found the winner's membership.
            var refusal = OnlyRefusal(first, second);
            Assert.True(refusal is NotFoundException or ConflictException, $"The second accept failed with {refusal}");
            await AssertJoinedOnceAsync(team, [carl], winner: carl);
        }
    }

    /// <remarks>
    /// Addresses are not unique among accounts (one person may sign in through two providers), so two accounts may both
    /// prove the invited address; only the claim on the invitation keeps one invitation from making two members.
    /// </remarks>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_accounts_of_the_invited_address_accepting_at_once_make_one_member(DatabaseProvider provider)
    {
        await using var team = await CreateAsync(provider);

        for (var round = 0; round < AcceptRounds; round++)
        {
            var work = await team.Core.CreateUserAsync($"dora{round}", $"dora{round}@example.com");
            var home = await team.Core.CreateUserAsync($"dora{round}-home", $"Dora{round}@Example.com");
            await InviteAsync(team, team.Ada, $"dora{round}@example.com");
            var token = TokenIn((await MailAsync(team))[^1]);

            var (byWork, byHome) = await Race.RunAsync<InvitationService>(
                team.Core,
                s => s.AcceptAsync(work, new(token), Cancel),
                s => s.AcceptAsync(home, new(token), Cancel));

            var refusal = OnlyRefusal(byWork, byHome);
            Assert.True(refusal is NotFoundException, $"The second accept failed with {refusal}");
            await AssertJoinedOnceAsync(team, [work, home], winner: byWork is null ? work : home);
        }
    }

    private static Exception OnlyRefusal(Exception? first, Exception? second)
    {
        Assert.True(
            (first is null) != (second is null),
            $"Exactly one accept should succeed, but the first {(first is null ? "succeeded" : $"failed ({first})")} and the second {(second is null ? "succeeded" : $"failed ({second})")}.");
        return first ?? second!;
    }

    private static async Task AssertJoinedOnceAsync(Team team, Caller[] accounts, Caller winner)
    {
        var ids = accounts.Select(a => a.UserId).ToList();
        var users = accounts.Select(a => Fga.User(a.UserId)).ToList();
        await using var db = team.AcmeDb();
        Assert.Equal([winner.UserId], await db.Memberships.Where(m => ids.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(Cancel));
        Assert.Equal(
            [$"member@{Fga.User(winner.UserId)}"],
            await db.RelationshipTuples.Where(t => users.Contains(t.User)).Select(t => t.Relation + "@" + t.User).ToListAsync(Cancel));
        Assert.Equal(1, await db.TupleChanges.CountAsync(c => users.Contains(c.User), Cancel));
        Assert.Equal([winner.UserId], await db.Invitations.Where(i => i.AcceptedByUserId != null && ids.Contains(i.AcceptedByUserId.Value)).Select(i => i.AcceptedByUserId!.Value).ToListAsync(Cancel));
        foreach (var account in accounts)
        {
            Assert.Equal(account == winner, await team.CheckAsync(account, "can_view", Fga.Organization(team.Acme)));
        }
    }
}
