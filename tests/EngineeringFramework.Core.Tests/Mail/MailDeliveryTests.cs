using System.Text;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Core.Tests.Mail;

public sealed class MailDeliveryTests
{
    private const string Secret = "reset-code-7f3a9c0e5b1d";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static MailMessage ResetMail(string to = "ada@example.test")
        => new(to, "Reset your password", $"Open https://ef.test/Account/ResetPassword?code={Secret}", Link: new Uri($"https://ef.test/Account/ResetPassword?code={Secret}"));

    private static IOException Refused(MailMessage message) => new($"550 mailbox unavailable: {message.To}");

    [Fact]
    public async Task Queued_mail_shows_neither_recipient_nor_link_in_the_database_and_keeps_no_content_once_delivered()
    {
        await using var world = await MailWorld.CreateAsync();
        await world.EnqueueAsync(ResetMail());

        var queued = await world.SingleRowAsync();
        var stored = StoredText(queued);
        await world.Delivery.DeliverDueAsync(Cancel);
        var delivered = await world.SingleRowAsync();

        Assert.NotNull(queued.SealedContent);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.test", stored, StringComparison.Ordinal);
        Assert.Equal(MailStatus.Delivered, delivered.Status);
        Assert.Null(delivered.SealedContent);
        Assert.Equal(ResetMail(), Assert.Single(world.Dispatcher.Sent));
    }

    [Fact]
    public async Task Sealed_content_copied_into_another_row_fails_that_row_instead_of_sending_it()
    {
        await using var world = await MailWorld.CreateAsync();
        await world.EnqueueAsync(ResetMail("ada@example.test"));
        world.Time.Advance(TimeSpan.FromSeconds(1));
        await world.EnqueueAsync(new MailMessage("ben@example.test", "Hello", "Hello Ben"));
        var rows = await world.RowsAsync();
        await world.UpdateAsync(rows[1].Id, m => m.SealedContent = rows[0].SealedContent);

        await world.Delivery.DeliverDueAsync(Cancel);
        var after = await world.RowsAsync();

        Assert.Equal("ada@example.test", Assert.Single(world.Dispatcher.Attempts).To);
        Assert.Equal(MailStatus.Failed, after[1].Status);
        Assert.Equal("unreadable", after[1].LastError);
        Assert.Null(after[1].SealedContent);
    }

    [Fact]
    public async Task A_failed_send_is_retried_after_its_backoff_and_not_before()
    {
        await using var world = await MailWorld.CreateAsync();
        var failures = 1;
        world.Dispatcher.Behaviour = (message, _) => Interlocked.Decrement(ref failures) >= 0 ? throw Refused(message) : Task.CompletedTask;
        await world.EnqueueAsync(ResetMail());
        var enqueuedAt = world.Time.GetUtcNow().UtcDateTime;

        await world.Delivery.DeliverDueAsync(Cancel);
        var failed = await world.SingleRowAsync();
        world.Time.Advance(world.Options.FirstBackoff - TimeSpan.FromSeconds(1));
        var early = await world.Delivery.DeliverDueAsync(Cancel);
        world.Time.Advance(TimeSpan.FromSeconds(1));
        var due = await world.Delivery.DeliverDueAsync(Cancel);
        var delivered = await world.SingleRowAsync();

        Assert.Equal(MailStatus.Queued, failed.Status);
        Assert.Equal(enqueuedAt + world.Options.FirstBackoff, failed.NextAttemptAt);
        Assert.Equal(nameof(IOException), failed.LastError);
        Assert.Null(failed.LeaseOwner);
        Assert.Equal(0, early);
        Assert.Equal(1, due);
        Assert.Equal(2, world.Dispatcher.Attempts.Count);
        Assert.Equal(MailStatus.Delivered, delivered.Status);
        Assert.Equal(2, delivered.Attempts);
    }

    [Fact]
    public void Backoff_doubles_from_the_first_wait_up_to_its_cap()
    {
        var options = new MailDeliveryOptions { FirstBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromHours(1) };

        Assert.Equal(
            [30, 60, 120, 240, 480, 960, 1920, 3600, 3600],
            new[] { 1, 2, 3, 4, 5, 6, 7, 8, 1000 }.Select(n => options.Backoff(n).TotalSeconds));
    }

    [Fact]
    public async Task After_the_maximum_attempts_the_message_is_failed_for_good_and_its_content_erased()
    {
        await using var world = await MailWorld.CreateAsync(options: new MailDeliveryOptions { MaxAttempts = 3 });
        world.Dispatcher.Behaviour = (message, _) => throw Refused(message);
        await world.EnqueueAsync(ResetMail());

        var statuses = new List<MailStatus>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await world.Delivery.DeliverDueAsync(Cancel);
            statuses.Add((await world.SingleRowAsync()).Status);
            world.Time.Advance(world.Options.Backoff(attempt));
        }

        world.Time.Advance(TimeSpan.FromDays(1));
        var later = await world.Delivery.DeliverDueAsync(Cancel);
        var failed = await world.SingleRowAsync();

        Assert.Equal([MailStatus.Queued, MailStatus.Queued, MailStatus.Failed], statuses);
        Assert.Equal(0, later);
        Assert.Equal(3, world.Dispatcher.Attempts.Count);
        Assert.Equal(3, failed.Attempts);
        Assert.Null(failed.SealedContent);
        Assert.NotNull(failed.FinishedAt);
        Assert.Equal(nameof(IOException), failed.LastError);
    }

    [Fact]
    public async Task A_send_that_outlasts_the_send_timeout_is_abandoned_and_retried_later()
    {
        await using var world = await MailWorld.CreateAsync();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Dispatcher.Behaviour = async (_, cancellationToken) =>
        {
            hanging.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        await world.EnqueueAsync(ResetMail());

        var round = world.Delivery.DeliverDueAsync(Cancel);
        await hanging.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var stuckBeforeTimeout = !round.IsCompleted;
        world.Time.Advance(world.Options.SendTimeout);
        var attempted = await round.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var row = await world.SingleRowAsync();

        Assert.True(stuckBeforeTimeout);
        Assert.Equal(1, attempted);
        Assert.Equal(MailStatus.Queued, row.Status);
        Assert.Equal("timeout", row.LastError);
        Assert.Equal(world.Time.GetUtcNow().UtcDateTime + world.Options.FirstBackoff, row.NextAttemptAt);
    }

    [Fact]
    public async Task A_claim_whose_lease_expired_is_taken_over_and_a_live_one_is_not()
    {
        await using var world = await MailWorld.CreateAsync();
        await world.EnqueueAsync(ResetMail());
        var id = (await world.SingleRowAsync()).Id;
        var leaseExpiresAt = world.Time.GetUtcNow().UtcDateTime + world.Options.LeaseDuration;
        await world.UpdateAsync(id, m =>
        {
            // What an instance that crashed mid-send leaves behind.
            m.Status = MailStatus.Sending;
            m.LeaseOwner = "crashed-instance";
            m.LeaseExpiresAt = leaseExpiresAt;
            m.Attempts = 1;
        });

        var whileLeased = await world.Delivery.DeliverDueAsync(Cancel);
        world.Time.Advance(world.Options.LeaseDuration + TimeSpan.FromSeconds(1));
        var afterExpiry = await world.Delivery.DeliverDueAsync(Cancel);
        var row = await world.SingleRowAsync();

        Assert.Equal(0, whileLeased);
        Assert.Equal(1, afterExpiry);
        Assert.Single(world.Dispatcher.Sent);
        Assert.Equal(MailStatus.Delivered, row.Status);
        Assert.Equal(2, row.Attempts);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_claimed_by_one_instance_is_not_sent_by_another(DatabaseProvider provider)
    {
        await using var world = await MailWorld.CreateAsync(provider);
        var second = world.AddInstance();
        await world.EnqueueAsync(ResetMail("first@example.test"));
        world.Time.Advance(TimeSpan.FromSeconds(1));
        await world.EnqueueAsync(ResetMail("second@example.test"));
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Dispatcher.Behaviour = async (message, _) =>
        {
            if (message.To == "first@example.test")
            {
                holding.TrySetResult();
                await release.Task;
            }
        };

        var firstRound = world.Delivery.DeliverDueAsync(Cancel);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var secondSent = await second.DeliverDueAsync(Cancel);
        release.SetResult();
        var firstSent = await firstRound.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        Assert.Equal(1, firstSent);
        Assert.Equal(1, secondSent);
        Assert.Equal(["first@example.test", "second@example.test"], world.Dispatcher.Sent.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.All(await world.RowsAsync(), m => Assert.Equal((MailStatus.Delivered, 1), (m.Status, m.Attempts)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_instances_delivering_at_once_send_each_message_once(DatabaseProvider provider)
    {
        await using var world = await MailWorld.CreateAsync(provider);
        var second = world.AddInstance();
        var recipients = Enumerable.Range(0, 40).Select(i => $"person{i}@example.test").ToList();
        foreach (var recipient in recipients)
        {
            await world.EnqueueAsync(new MailMessage(recipient, "Hello", "Hello"));
        }

        world.Dispatcher.Behaviour = async (_, _) => await Task.Yield();

        var sent = await Task.WhenAll(Task.Run(() => world.Delivery.DeliverDueAsync(Cancel), Cancel), Task.Run(() => second.DeliverDueAsync(Cancel), Cancel));

        Assert.Equal(recipients.Count, sent.Sum());
        Assert.Equal(recipients.Order(StringComparer.Ordinal), world.Dispatcher.Sent.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.All(await world.RowsAsync(), m => Assert.Equal((MailStatus.Delivered, 1), (m.Status, m.Attempts)));
    }

    [Fact]
    public async Task Finished_rows_are_deleted_after_the_retention_and_waiting_ones_are_kept()
    {
        await using var world = await MailWorld.CreateAsync();
        await world.EnqueueAsync(ResetMail("delivered@example.test"));
        await world.Delivery.DeliverDueAsync(Cancel);
        world.Dispatcher.Behaviour = (message, _) => throw Refused(message);
        await world.EnqueueAsync(ResetMail("waiting@example.test"));
        await world.Delivery.DeliverDueAsync(Cancel);

        var before = await world.RowsAsync();
        world.Time.Advance(world.Options.Retention + TimeSpan.FromSeconds(1));
        await world.Delivery.DeliverDueAsync(Cancel);
        var after = await world.RowsAsync();

        Assert.Equal(2, before.Count);
        Assert.Equal(before[1].Id, Assert.Single(after).Id);
        Assert.Equal(MailStatus.Queued, after[0].Status);
    }

    /// <summary>Every stored column as text; the sealed bytes read byte for byte (Latin-1), so plaintext would show.</summary>
    private static string StoredText(QueuedMail row) => string.Join(
        '\n',
        row.Id, row.Kind, row.Status, row.EnqueuedAt, row.NextAttemptAt, row.Attempts, row.LeaseOwner, row.LeaseExpiresAt, row.FinishedAt, row.LastError,
        Encoding.Latin1.GetString(row.SealedContent ?? []),
        Encoding.UTF8.GetString(row.SealedContent ?? []));
}
