using Tollgate.Storage.Email;

namespace Tollgate.Storage.Tests.Email;

/// <summary>The email outbox's claims: many senders at once never hold one email together, and a failed one comes back when due.</summary>
public sealed class EmailOutboxTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Eight_senders_claiming_at_once_claim_each_email_exactly_once(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        var outbox = new EmailOutbox(database);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await InsertAsync(target, database, Enumerable.Range(1, 300).Select(i => new SequencedRecord(i, Email(at))));

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (true)
            {
                var now = DateTimeOffset.UtcNow;
                var claimed = await outbox.ClaimAsync(now, now.AddMinutes(2), limit: 5, CancellationToken.None);
                if (claimed.Count == 0) return mine;
                mine.AddRange(claimed.Select(e => e.GrainSeq));
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Distinct().Count());
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_failed_email_is_due_again_later_and_a_sent_one_keeps_no_payload_and_is_not_stored_again(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        var outbox = new EmailOutbox(database);
        var now = DateTimeOffset.UtcNow;
        var record = new SequencedRecord(1, Email(now.AddSeconds(-1)));
        await InsertAsync(target, database, [record]);

        var first = Assert.Single(await outbox.ClaimAsync(now, now.AddMinutes(2), 10, CancellationToken.None));
        Assert.Empty(await outbox.ClaimAsync(now, now.AddMinutes(2), 10, CancellationToken.None)); // claimed
        await outbox.RetryAsync(first, now.AddSeconds(10), CancellationToken.None);
        Assert.Empty(await outbox.ClaimAsync(now.AddSeconds(9), now.AddMinutes(2), 10, CancellationToken.None)); // not due yet
        var second = Assert.Single(await outbox.ClaimAsync(now.AddSeconds(10), now.AddMinutes(2), 10, CancellationToken.None));
        Assert.Equal((1, 2), (first.Attempt, second.Attempt));
        Assert.Equal("{\"to\":\"a@example.com\"}", second.Payload);

        await outbox.CompleteAsync(second, "sent", now, CancellationToken.None);
        await InsertAsync(target, database, [record]); // the grain's outbox copied again: the row is there already
        Assert.Empty(await outbox.ClaimAsync(now.AddDays(1), now.AddDays(2), 10, CancellationToken.None));
        Assert.Equal(1, await Databases.CountAsync(database, "SELECT count(*) FROM email_outbox WHERE payload IS NULL AND outcome = 'sent'"));
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_claim_handed_back_by_a_stopping_sender_is_claimable_at_once_uncounted(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = await Databases.OpenMigratedAsync(target);
        var outbox = new EmailOutbox(database);
        var now = DateTimeOffset.UtcNow;
        await InsertAsync(target, database, [new SequencedRecord(1, Email(now.AddSeconds(-1)))]);

        var claimed = Assert.Single(await outbox.ClaimAsync(now, now.AddMinutes(2), 10, CancellationToken.None));
        await outbox.ReleaseAsync(claimed, CancellationToken.None);
        var again = Assert.Single(await outbox.ClaimAsync(now, now.AddMinutes(2), 10, CancellationToken.None)); // not after the lease

        Assert.Equal((1, 1), (claimed.Attempt, again.Attempt));
    }

    private static JournalRecord Email(DateTimeOffset at) => new(EmailOutbox.Stream, "", "verify_email", at, "{\"to\":\"a@example.com\"}");

    /// <summary>As the journal stores a grain's records: those of the email stream land in the outbox.</summary>
    private static async Task InsertAsync(StorageTarget target, SqlDatabase database, IEnumerable<SequencedRecord> records)
    {
        await using var journal = new SqlJournal(database, target.Options());
        await journal.WriteAsync("user/usr_1", [.. records], []);
    }
}
