namespace Tollgate.Storage;

/// <summary>
/// A grain state written in a journal transaction, conditional on the etag its writer read: none
/// (<paramref name="ExpectedEtag"/> null) inserts, else it updates the row that still has it. The
/// records and entries carried with it are inserted only where the row now has <paramref name="NewEtag"/>,
/// so a write that lost its check stores nothing, while the statements of the whole transaction still
/// go to the database in one batch. A null <paramref name="Payload"/> clears the state.
/// </summary>
internal sealed record StateWrite(string StateName, string? Payload, long? ExpectedEtag, long NewEtag)
{
    private const string InsertSql = """
        INSERT INTO grain_state (grain_id, state_name, payload, etag) VALUES (@p1, @p2, @p3, @p4)
        ON CONFLICT (grain_id, state_name) DO NOTHING
        """;
    private const string UpdateSql = "UPDATE grain_state SET payload = @p3, etag = @p4 WHERE grain_id = @p1 AND state_name = @p2 AND etag = @p5";
    // Written: the row has this write's etag. Its two values (state name, new etag) follow the statement's own.
    private const string InsertRecordSql = """
        INSERT INTO journal (grain_id, grain_seq, stream, scope, name, at, payload) SELECT @p1, @p2, @p3, @p4, @p5, @p6, @p7
        WHERE EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p1 AND state_name = @p8 AND etag = @p9)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;
    private const string UpsertEntrySql = """
        INSERT INTO grain_entries (grain_id, entry_key, payload, expires_at) SELECT @p1, @p2, @p3, @p4
        WHERE EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p1 AND state_name = @p5 AND etag = @p6)
        ON CONFLICT (grain_id, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
        """;
    private const string DeleteEntrySql = """
        DELETE FROM grain_entries WHERE grain_id = @p1 AND entry_key = @p2
        AND EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p1 AND state_name = @p3 AND etag = @p4)
        """;

    /// <summary>The state's own statement: it changes one row when the etag check holds, none when it does not.</summary>
    public Statement Statement(string grainId) => ExpectedEtag is { } expected
        ? new Statement(UpdateSql, [grainId, StateName, Payload, NewEtag, expected])
        : new Statement(InsertSql, [grainId, StateName, Payload, NewEtag]);

    private const string InsertEmailSql = """
        INSERT INTO email_outbox (grain_id, grain_seq, at, payload, next_attempt_at) SELECT @p1, @p2, @p3, @p4, @p3
        WHERE EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p1 AND state_name = @p5 AND etag = @p6)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;

    private const string InsertEventSql = """
        INSERT INTO event_outbox (grain_id, grain_seq, tenant_id, at, payload) SELECT @p1, @p2, @p3, @p4, @p5
        WHERE EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p1 AND state_name = @p6 AND etag = @p7)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;

    /// <summary>
    /// Adds the record's statements: an email goes to the email outbox instead of the journal; a tenant event goes to
    /// the journal (the event log) and to the event outbox (for webhook delivery). Added to a list, not returned: this runs
    /// for every record of every commit (the consume path's usage records too).
    /// </summary>
    public void AddRecord(List<Statement> statements, string grainId, SequencedRecord sequenced)
    {
        var (sequence, record) = sequenced;
        if (record.Stream == Email.EmailOutbox.Stream)
        {
            statements.Add(new Statement(InsertEmailSql, [grainId, sequence, record.At.ToUnixTimeMilliseconds(), record.Payload,
                StateName, NewEtag]));
            return;
        }
        statements.Add(new Statement(InsertRecordSql,
            [grainId, sequence, record.Stream, record.Scope, record.Name, record.At.ToUnixTimeMilliseconds(), record.Payload, StateName, NewEtag]));
        if (record.Stream == Webhooks.WebhookStore.EventStream)
            statements.Add(new Statement(InsertEventSql,
                [grainId, sequence, record.Scope, record.At.ToUnixTimeMilliseconds(), record.Payload, StateName, NewEtag]));
    }

    public Statement WriteEntry(string grainId, StateEntry entry) => entry.Payload is null
        ? new Statement(DeleteEntrySql, [grainId, entry.Key, StateName, NewEtag])
        : new Statement(UpsertEntrySql, [grainId, entry.Key, entry.Payload, entry.ExpiresAt.ToUnixTimeMilliseconds(), StateName, NewEtag]);
}
