using Orleans.Storage;
using Tollgate.Storage.Events;
using Tollgate.Storage.Tests.Grains;
using Tollgate.Storage.Webhooks;

namespace Tollgate.Storage.Tests.Webhooks;

/// <summary>
/// Events reach the webhook outbox in the transaction of the change that causes them; dispatchers claiming at once fan out
/// each event once, a fan-out run again adds no delivery, and a delivery's attempts are logged and scheduled.
/// </summary>
public sealed class WebhookStoreTests
{
    private static readonly GrainId Grain = GrainId.Create("tally", "g");
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task An_event_commits_with_its_state_into_the_journal_and_the_outbox_and_a_lost_write_stores_it_in_neither(
        StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        await using var journal = new SqlJournal(database, target.Options());
        var storage = new GroupCommitGrainStorage(database, journal);
        var first = Tally(1, Event(1, "evt_1"));
        await storage.WriteStateAsync(TallyGrain.StateName, Grain, first);
        var stale = Tally(2, Event(2, "evt_lost"), etag: "12345"); // an etag the row does not have
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(TallyGrain.StateName, Grain, stale));

        var logged = await journal.ReadAsync(new JournalQuery(TenantEventRecords.Stream) { Scope = "ten_1" });
        Assert.Equal("evt_1", Assert.Single(logged).Payload);
        var claimed = await new WebhookStore(database).ClaimEventsAsync(DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(2), 10, default);
        Assert.Equal(("ten_1", "evt_1"), (Assert.Single(claimed).TenantId, claimed[0].Payload));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Eight_dispatchers_fan_out_each_event_once_and_a_fan_out_run_again_adds_no_delivery(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        await using (var journal = new SqlJournal(database, target.Options()))
            await journal.WriteAsync("tally/g", [.. Enumerable.Range(1, 200).Select(i => Event(i, $"evt_{i}"))], []);
        var store = new WebhookStore(database);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<OutboxEvent>();
            while (true)
            {
                var now = DateTimeOffset.UtcNow;
                var claimed = await store.ClaimEventsAsync(now, now.AddMinutes(2), limit: 5, default);
                if (claimed.Count == 0) return mine;
                foreach (var e in claimed) await store.FanOutAsync(e, [new NewDelivery($"whd_{e.Payload}", "we_1", e.Payload,
                    "test")], At, default);
                mine.AddRange(claimed);
            }
        })));
        Assert.Equal(200, claims.Sum(c => c.Count));
        Assert.Equal(200, claims.SelectMany(c => c).Select(e => e.GrainSeq).Distinct().Count());

        var again = claims.SelectMany(c => c).First();
        await store.FanOutAsync(again, [new NewDelivery("whd_other", "we_1", again.Payload, "test")], At, default);
        Assert.Equal(200, await Databases.CountAsync(database, "SELECT count(*) FROM webhook_deliveries"));
        Assert.Equal(200, await Databases.CountAsync(database,
            "SELECT count(*) FROM event_outbox WHERE payload IS NULL AND fanned_out_at IS NOT NULL"));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_failed_attempt_is_logged_and_due_again_at_its_retry_and_a_success_completes_the_delivery(
        StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        await using (var journal = new SqlJournal(database, target.Options())) await journal.WriteAsync("tally/g", [Event(1, "evt_1")], []);
        var store = new WebhookStore(database);
        var real = DateTimeOffset.UtcNow;
        var outboxEvent = Assert.Single(await store.ClaimEventsAsync(real, real.AddMinutes(2), 10, default));
        await store.FanOutAsync(outboxEvent, [new NewDelivery("whd_1", "we_1", "evt_1", "test")], At, default);

        var first = Assert.Single(await store.ClaimDueAsync(At, real, real.AddMinutes(2), 10, default));
        Assert.Empty(await store.ClaimDueAsync(At, real, real.AddMinutes(2), 10, default)); // claimed
        await store.RecordAttemptAsync(first, new WebhookAttempt(At, 500, "HTTP 500", 12, Manual: false), At.AddMinutes(1), default);
        Assert.Empty(await store.ClaimDueAsync(At.AddSeconds(59), real, real.AddMinutes(2), 10, default)); // not due yet
        var second = Assert.Single(await store.ClaimDueAsync(At.AddMinutes(1), real, real.AddMinutes(2), 10, default));
        Assert.Equal((0, 1, At), (first.Attempts, second.Attempts, second.FirstAttemptAt));
        await store.RecordAttemptAsync(second, new WebhookAttempt(At.AddMinutes(1), null, "timed out", 10_000, Manual: false),
            null, default);
        Assert.Empty(await store.ClaimDueAsync(At.AddDays(10), real, real.AddMinutes(2), 10, default)); // given up

        var (redelivery, busy) = await store.ClaimForRedeliveryAsync("ten_1", "we_1", "whd_1", real, real.AddMinutes(2), default);
        Assert.False(busy);
        Assert.Equal(((ClaimedDelivery?)null, true), await store.ClaimForRedeliveryAsync("ten_1", "we_1", "whd_1", real,
            real.AddMinutes(2), default));
        Assert.Equal(((ClaimedDelivery?)null, false), await store.ClaimForRedeliveryAsync("ten_2", "we_1", "whd_1", real,
            real.AddMinutes(2), default));
        await store.RecordRedeliveryAsync(redelivery!, new WebhookAttempt(At.AddDays(4), 204, null, 3, Manual: true), default);

        var delivery = await store.GetAsync("ten_1", "we_1", "whd_1", default);
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 2, At.AddDays(4)), (delivery!.Status, delivery.Attempts, delivery.CompletedAt));
        Assert.Equal([500, null, 204], delivery.Log.Select(a => a.StatusCode));
        Assert.Equal([false, false, true], delivery.Log.Select(a => a.Manual));
        Assert.Equal("timed out", delivery.Log[1].Error);
        Assert.Null(await store.GetAsync("ten_2", "we_1", "whd_1", default));
    }

    private static SequencedRecord Event(long sequence, string payload) =>
        new(sequence, new JournalRecord(TenantEventRecords.Stream, "ten_1", "test", At.AddSeconds(sequence), payload));

    private static GrainState<TallyState> Tally(long count, SequencedRecord record, string? etag = null)
    {
        var state = new TallyState { Count = count, LastSequence = record.Sequence };
        state.Records.Add(record);
        return new GrainState<TallyState>(state) { ETag = etag, RecordExists = etag is not null };
    }
}
