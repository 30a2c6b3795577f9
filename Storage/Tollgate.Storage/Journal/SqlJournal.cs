namespace Tollgate.Storage;

/// <summary>
/// The journal and entries in Tollgate's tables, and the states of <see cref="GroupCommitGrainStorage"/>.
/// Records are inserted idempotently (unique on grain and sequence); concurrent writes are carried by
/// shared transactions (<see cref="JournalBatcher"/>).
/// Sequence numbers come from the database at insert; transactions committing concurrently may become
/// visible slightly out of sequence order, which a newest-first listing tolerates.
/// </summary>
public sealed class SqlJournal : IStateEntryReader, IJournalReader, IStorageHealth, IAsyncDisposable
{
    /// <summary>The most expired entries one sweep removes: enough to keep up, few enough to keep its transaction short.</summary>
    public const int MaxExpiredRemoved = 10_000;

    private const string InsertRecordSql = """
        INSERT INTO journal (grain_id, grain_seq, stream, scope, name, at, payload) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;
    private const string UpsertEntrySql = """
        INSERT INTO grain_entries (grain_id, entry_key, payload, expires_at) VALUES (@p1, @p2, @p3, @p4)
        ON CONFLICT (grain_id, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
        """;
    private const string DeleteEntrySql = "DELETE FROM grain_entries WHERE grain_id = @p1 AND entry_key = @p2";

    private readonly SqlDatabase _database;
    private readonly JournalBatcher _batcher;
    private readonly bool _ownsDatabase;
    private readonly string _system; // db.system.name, for the commit metrics
    private readonly bool _sqlite;
    private PreparedConnection? _writer; // SQLite: the one writer's connection, its statements compiled once

    internal SqlJournal(SqlDatabase database, StorageOptions options) : this(database, options, ownsDatabase: false)
    {
    }

    private SqlJournal(SqlDatabase database, StorageOptions options, bool ownsDatabase)
    {
        (_database, _ownsDatabase) = (database, ownsDatabase);
        _sqlite = options.Provider == StorageProviderKind.Sqlite;
        _system = _sqlite ? "sqlite" : "postgresql";
        // SQLite has one writer, and Microsoft.Data.Sqlite blocks in its I/O; Npgsql's I/O is asynchronous.
        _batcher = options.Provider == StorageProviderKind.Sqlite
            ? new JournalBatcher(CommitAsync, concurrency: 1, options.MaxWriteBatch, blockingCommits: true)
            : new JournalBatcher(CommitAsync, options.WriteConcurrency, options.MaxWriteBatch, blockingCommits: false);
    }

    /// <summary>The journal outside a silo (tools, benchmarks): the schema is migrated first.</summary>
    public static async Task<SqlJournal> OpenAsync(StorageOptions options)
    {
        var database = SqlDatabase.Create(options);
        await new Schema.SchemaMigrator(database, Microsoft.Extensions.Logging.Abstractions.NullLogger<Schema.SchemaMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        return new SqlJournal(database, options, ownsDatabase: true);
    }

    /// <summary>
    /// Inserts records (one already stored for the grain and sequence is skipped) and stores or removes
    /// entries, under no grain's state: for tools and tests that fill the journal. Grains' records
    /// commit with their state (<see cref="GroupCommitGrainStorage"/>).
    /// </summary>
    public Task WriteAsync(string grainId, IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries,
        CancellationToken cancellationToken = default) =>
        _batcher.EnqueueAsync(new JournalWrite(grainId, records, entries));

    /// <summary>
    /// Writes a grain's state with the records and entries it carries, in a transaction shared with
    /// other writes; false when its etag check failed, and then none of it is stored.
    /// </summary>
    internal Task<bool> WriteStateAsync(string grainId, StateWrite state, IReadOnlyList<SequencedRecord> records,
        IReadOnlyList<StateEntry> entries) =>
        _batcher.EnqueueAsync(new JournalWrite(grainId, records, entries, state));

    /// <summary>
    /// One transaction for a batch of writes from any grains: a batch costs its rows and one commit,
    /// and on PostgreSQL two round trips (its statements, then the commit).
    /// </summary>
    private async Task<bool[]> CommitAsync(IReadOnlyList<JournalWrite> batch)
    {
        var statements = new List<Statement>();
        var checks = new int[batch.Count]; // each state write's own statement, whose changed rows say whether its check held
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            checks[i] = -1;
            if (write.State is { } state)
            {
                checks[i] = statements.Count;
                statements.Add(state.Statement(write.GrainId));
                foreach (var record in write.Records) state.AddRecord(statements, write.GrainId, record);
                foreach (var entry in write.Entries) statements.Add(state.WriteEntry(write.GrainId, entry));
                continue;
            }
            foreach (var sequenced in write.Records)
            {
                var (sequence, record) = sequenced;
                statements.Add(record.Stream == Email.EmailOutbox.Stream
                    ? Email.EmailOutbox.Insert(write.GrainId, sequenced)
                    : new Statement(InsertRecordSql,
                        [write.GrainId, sequence, record.Stream, record.Scope, record.Name, record.At.ToUnixTimeMilliseconds(), record.Payload]));
                if (record.Stream == Webhooks.WebhookStore.EventStream)
                    statements.Add(Webhooks.WebhookStore.InsertEvent(write.GrainId, sequenced));
            }
            foreach (var entry in write.Entries)
            {
                statements.Add(entry.Payload is null
                    ? new Statement(DeleteEntrySql, [write.GrainId, entry.Key])
                    : new Statement(UpsertEntrySql, [write.GrainId, entry.Key, entry.Payload, entry.ExpiresAt.ToUnixTimeMilliseconds()]));
            }
        }
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var changed = _sqlite ? await CommitOnWriterAsync(statements) : await CommitOnPooledAsync(statements);
            StorageMetrics.Committed(_system, startedAt, batch.Count, failure: null);
            return Array.ConvertAll(checks, check => check < 0 || changed[check] == 1);
        }
        catch (Exception exception)
        {
            StorageMetrics.Committed(_system, startedAt, batch.Count, exception);
            throw;
        }
    }

    private async Task<int[]> CommitOnPooledAsync(List<Statement> statements)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var changed = await SqlDatabase.ExecuteAsync(connection, transaction, statements);
        await transaction.CommitAsync();
        return changed;
    }

    /// <summary>SQLite's one writer commits on a connection it keeps, opened again only after a failure.</summary>
    private async Task<int[]> CommitOnWriterAsync(List<Statement> statements)
    {
        _writer ??= new PreparedConnection(await _database.OpenAsync(CancellationToken.None));
        try
        {
            await using var transaction = await _writer.Connection.BeginTransactionAsync();
            var changed = await _writer.ExecuteAsync(transaction, statements);
            await transaction.CommitAsync();
            return changed;
        }
        catch
        {
            var broken = _writer;
            _writer = null;
            await broken.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(string grainId, IReadOnlyCollection<string> entryKeys,
        CancellationToken cancellationToken = default)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entryKeys.Count == 0) return entries;
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One statement per key: equality on the whole primary key, a plan no database gets wrong.
        foreach (var key in entryKeys)
        {
            await using var command = SqlDatabase.Command(connection, null, "SELECT payload FROM grain_entries WHERE grain_id = @p1 AND entry_key = @p2", grainId, key);
            if (await command.ExecuteScalarAsync(cancellationToken) is string payload) entries[key] = payload;
        }
        return entries;
    }

    /// <summary>Removes entries that expired by <paramref name="by"/>, the oldest first, a bounded number; returns how many.</summary>
    public async Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // On the expiry index alone, with both bounds, so the plan cannot scan the whole table.
        await using var command = SqlDatabase.Command(connection, null, $"""
            DELETE FROM grain_entries WHERE (grain_id, entry_key) IN (
                SELECT grain_id, entry_key FROM grain_entries WHERE expires_at BETWEEN 0 AND @p1 ORDER BY expires_at LIMIT {MaxExpiredRemoved})
            """, by.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default)
    {
        var conditions = new List<string>();
        var arguments = new List<object?>();
        void Where(string column, string comparison, object value)
        {
            arguments.Add(value);
            conditions.Add($"{column} {comparison} @p{arguments.Count}");
        }
        Where("stream", "=", query.Stream);
        if (query.Scope is not null) Where("scope", "=", query.Scope);
        if (query.Name is not null) Where("name", "=", query.Name);
        if (query.From is { } from) Where("at", ">=", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Where("at", "<", to.ToUnixTimeMilliseconds());
        if (query.Before is { } before) Where("seq", "<", before);
        if (query.After is { } after) Where("seq", ">", after);
        arguments.Add((long)query.Limit);
        var sql = $"""
            SELECT seq, stream, scope, name, at, payload FROM journal WHERE {string.Join(" AND ", conditions)}
            ORDER BY seq {(query.OldestFirst ? "ASC" : "DESC")} LIMIT @p{arguments.Count}
            """;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, sql, [.. arguments]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<StoredJournalRecord>();
        while (await reader.ReadAsync(cancellationToken))
            records.Add(new StoredJournalRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5)));
        return records;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync();
        if (_writer is not null) await _writer.DisposeAsync();
        if (_ownsDatabase) await _database.DisposeAsync();
    }
}

/// <summary>
/// One grain's part of a journal transaction: a state write with the records and entries it carries
/// (<see cref="StateWrite"/>), or records and entries alone (<see cref="SqlJournal.WriteAsync"/>).
/// </summary>
internal sealed record JournalWrite(
    string GrainId, IReadOnlyList<SequencedRecord> Records, IReadOnlyList<StateEntry> Entries, StateWrite? State = null);
