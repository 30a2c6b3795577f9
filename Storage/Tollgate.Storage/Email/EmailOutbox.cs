namespace Tollgate.Storage.Email;

/// <summary>
/// Emails to send, in a table of their own: a grain writes a journal record of the stream
/// <see cref="Stream"/> with the change that causes the email, and the journal stores it here instead
/// of in <c>journal</c>, in the same transaction. Senders on any silo claim due rows for a lease, so
/// each attempt is one silo's, and mark each sent, or due again later. A sent row keeps its key and
/// loses its payload: a record written again (a write whose commit's answer was lost) then finds its row and sends nothing twice.
/// </summary>
public sealed class EmailOutbox
{
    private readonly SqlDatabase _database;

    internal EmailOutbox(SqlDatabase database) => _database = database;

    /// <summary>The journal stream whose records are emails to send.</summary>
    public const string Stream = EmailRecords.Stream;

    // Both databases: a row changes only if it is still unclaimed when the update reaches it (PostgreSQL re-checks
    // the condition on a row another transaction just claimed), so two silos never hold one email at once.
    private const string ClaimSql = """
        UPDATE email_outbox SET claimed_until = @p1, attempts = attempts + 1
        WHERE (grain_id, grain_seq) IN (
            SELECT grain_id, grain_seq FROM email_outbox WHERE done_at IS NULL AND next_attempt_at <= @p2 AND claimed_until <= @p2
            ORDER BY next_attempt_at LIMIT @p3)
        AND done_at IS NULL AND claimed_until <= @p2
        RETURNING grain_id, grain_seq, at, payload, attempts
        """;

    internal const string InsertSql = """
        INSERT INTO email_outbox (grain_id, grain_seq, at, payload, next_attempt_at) VALUES (@p1, @p2, @p3, @p4, @p3)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;

    /// <summary>The statement that stores a record of <see cref="Stream"/> as an email to send.</summary>
    internal static Statement Insert(string grainId, SequencedRecord sequenced) =>
        new(InsertSql, [grainId, sequenced.Sequence, sequenced.Record.At.ToUnixTimeMilliseconds(), sequenced.Record.Payload]);

    /// <summary>Claims up to <paramref name="limit"/> emails due by <paramref name="now"/> until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<OutboxEmail>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, ClaimSql,
            leaseUntil.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<OutboxEmail>();
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new OutboxEmail(reader.GetString(0), reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? "" : reader.GetString(3), reader.GetInt32(4)));
        return claimed;
    }

    /// <summary>The email went out (or will never go: <paramref name="outcome"/> says which); its payload is dropped.</summary>
    public Task CompleteAsync(OutboxEmail email, string outcome, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE email_outbox SET done_at = @p3, outcome = @p4, payload = NULL, claimed_until = 0 WHERE grain_id = @p1 AND grain_seq = @p2",
            cancellationToken, email.GrainId, email.GrainSeq, at.ToUnixTimeMilliseconds(), outcome);

    /// <summary>This attempt failed: the email is due again at <paramref name="nextAttemptAt"/>, for any silo.</summary>
    /// <summary>Hands back a claim never tried (its silo is stopping): due again at once for any silo, its attempt not counted.</summary>
    public Task ReleaseAsync(OutboxEmail email, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE email_outbox SET claimed_until = 0, attempts = attempts - 1 WHERE grain_id = @p1 AND grain_seq = @p2",
            cancellationToken, email.GrainId, email.GrainSeq);

    public Task RetryAsync(OutboxEmail email, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE email_outbox SET next_attempt_at = @p3, claimed_until = 0 WHERE grain_id = @p1 AND grain_seq = @p2",
            cancellationToken, email.GrainId, email.GrainSeq, nextAttemptAt.ToUnixTimeMilliseconds());

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] arguments)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, sql, arguments);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
