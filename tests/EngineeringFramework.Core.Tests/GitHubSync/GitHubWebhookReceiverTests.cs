using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.GitHubSync;

/// <summary>
/// The receiver's rules at their edges, where the HTTP tests (Server's GitHubWebhookTests) do not reach: the delivery id's
/// length limit, the two reasons a push is ignored, a payload whose repository is not an object, the pruning of old
/// delivery ids, and the same delivery arriving several times at once.
/// </summary>
public sealed class GitHubWebhookReceiverTests : IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(3);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private GitHubSyncWorld world = null!;
    private string secret = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        world = await GitHubSyncWorld.CreateAsync(new GitHubSyncOptions { DeliveryRetention = Retention }, clock);
        await world.ConfigureAsync();
        secret = (await world.Sync(world.Ada, (s, c) => s.GetWebhookAsync(c, world.Acme, Cancel))).Secret;
    }

    public async ValueTask DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task A_delivery_id_of_the_longest_allowed_length_is_taken_and_one_character_more_is_malformed()
    {
        Assert.Equal(GitHubWebhookOutcome.Malformed, await ReceiveAsync(new string('d', 101), Push()));
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync(new string('d', 100), Push()));
        Assert.Equal([new string('d', 100)], await DeliveriesAsync());
    }

    [Fact]
    public async Task A_push_is_ignored_on_a_plan_without_sync_and_without_a_token_and_taken_with_both()
    {
        await world.SetPlanAsync(Plan.Free);
        Assert.Equal(GitHubWebhookOutcome.Ignored, await ReceiveAsync("on-free", Push()));

        await world.SetPlanAsync(Plan.Pro);
        await SetTokenAsync(null);
        Assert.Equal(GitHubWebhookOutcome.Ignored, await ReceiveAsync("without-token", Push()));
        Assert.Empty(await DeliveriesAsync());

        await world.ConfigureAsync();
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("with-both", Push()));
    }

    [Fact]
    public async Task A_repository_that_is_not_an_object_is_read_as_no_repository()
    {
        // Only the ref decides then; a payload of the wrong shape must not break the receiver.
        var body = JsonSerializer.SerializeToUtf8Bytes(new { @ref = $"refs/heads/{GitHubSyncWorld.Branch}", repository = "acme/standards" });

        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("repository-as-text", body));
    }

    [Fact]
    public async Task Delivery_ids_older_than_the_retention_are_forgotten_when_a_new_one_is_queued_and_one_exactly_that_old_is_kept()
    {
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("oldest", Push()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("at-the-edge", Push()));

        clock.Advance(Retention);
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("newest", Push()));

        Assert.Equal(["at-the-edge", "newest"], await DeliveriesAsync());

        // Forgotten means GitHub's redelivery of it, this late, is taken as new.
        Assert.Equal(GitHubWebhookOutcome.Duplicate, await ReceiveAsync("at-the-edge", Push()));
        Assert.Equal(GitHubWebhookOutcome.Queued, await ReceiveAsync("oldest", Push()));
    }

    [Fact]
    public async Task The_same_delivery_arriving_several_times_at_once_is_queued_once_and_every_other_copy_is_a_duplicate()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ReceiveAsync("at-once", Push()), Cancel)));

        Assert.Single(outcomes, o => o == GitHubWebhookOutcome.Queued);
        Assert.All(outcomes, o => Assert.Contains(o, new[] { GitHubWebhookOutcome.Queued, GitHubWebhookOutcome.Duplicate }));
        Assert.Equal(["at-once"], await DeliveriesAsync());
    }

    private static byte[] Push() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @ref = $"refs/heads/{GitHubSyncWorld.Branch}",
        repository = new { full_name = $"{GitHubSyncWorld.Owner}/{GitHubSyncWorld.Repo}" },
    });

    private Task<GitHubWebhookOutcome> ReceiveAsync(string deliveryId, byte[] body)
    {
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return world.Core.InScopeAsync(sp => sp.GetRequiredService<GitHubWebhookReceiver>().ReceiveAsync(world.Acme, signature, "push", deliveryId, body, Cancel));
    }

    private async Task<List<string>> DeliveriesAsync()
    {
        await using var db = world.Core.Database.CreateContext(world.Acme);
        return await db.GitHubWebhookDeliveries.OrderBy(d => d.ReceivedAt).ThenBy(d => d.DeliveryId).Select(d => d.DeliveryId).ToListAsync(Cancel);
    }

    private async Task SetTokenAsync(byte[]? ciphertext)
    {
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var settings = await db.GitHubSyncSettings.SingleAsync(Cancel);
        settings.TokenCiphertext = ciphertext;
        await db.SaveChangesAsync(Cancel);
    }
}
