using System.Data.Common;
using Npgsql;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// PostgreSQL, for production and for several silos on one database. Batched writes go in one
/// round trip (NpgsqlBatch) and several transactions may commit at once.
/// </summary>
internal sealed class PostgreSqlStorage(StorageOptions options) : SqlStorage(options, options.WriteConcurrency, blockingCommits: false)
{
    // Any fixed number: every silo takes the same advisory lock while it migrates.
    private const long MigrationLockId = 0x746F6C6C67617465;

    private readonly NpgsqlDataSource _dataSource = CreateDataSource(options.ConnectionString);

    // The batch statement is costly to plan; prepared once per pooled connection, it is planned once.
    // Nothing here changes session state (the migration lock is transaction-scoped), so a connection
    // going back to the pool needs no reset: by default Npgsql would send seven reset statements
    // (RESET ALL, CLOSE ALL, ...) before the next command on it, that is before every batch commit.
    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        builder.NoResetOnClose = true;
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override string Name => "PostgreSql";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override string IdentityColumn => "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    protected override string Parameter(int index) => $"${index}";

    protected override string DropJournalKeySql => "ALTER TABLE journal DROP CONSTRAINT journal_pkey";

    /// <summary>
    /// One statement per key, all in one round trip: each is equality on the whole primary key, a
    /// plan PostgreSQL cannot get wrong. With <c>entry_key = ANY(array)</c> its cached generic plan
    /// scanned all of a counter's answers for every read (1,700 keyed consumes a second, where
    /// single-key reads gave 8,000).
    /// </summary>
    public override async Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(GrainStateKey key, IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken = default)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entryKeys.Count == 0) return entries;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var reads = new NpgsqlBatch(connection);
        var readEntry = $"{ReadEntriesSql} AND entry_key = $4";
        foreach (var entryKey in entryKeys)
            reads.BatchCommands.Add(new NpgsqlBatchCommand(readEntry)
            {
                Parameters = { new() { Value = key.GrainType }, new() { Value = key.GrainKey }, new() { Value = key.StateName }, new() { Value = entryKey } },
            });
        await using var reader = await reads.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken)) entries[reader.GetString(0)] = reader.GetString(1);
        } while (await reader.NextResultAsync(cancellationToken));
        return entries;
    }

    protected override DbParameter NewParameter(DbParameter parameter, int index, object? value)
    {
        parameter.Value = value ?? DBNull.Value;
        if (value is null) ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        return parameter;
    }

    protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLockId})", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    /// <summary>
    /// The whole batch is one statement, in one round trip and one implicit transaction. Writes
    /// arrive as arrays; the versioned update and the first-time insert report which writes
    /// applied (by index), and only those writes' journal records are inserted. When two writes in
    /// a batch target one row, PostgreSQL updates it once and returns only the write that applied:
    /// the other fails as a conflict, as it would alone.
    /// </summary>
    private const string CommitBatch = """
        WITH input AS (
            SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS i(idx, t, k, s, p, e)),
        updated AS (
            UPDATE grain_state g SET payload = i.p, version = g.version + 1, modified_at = $7
            FROM input i
            WHERE i.e > 0 AND g.grain_type = i.t AND g.grain_key = i.k AND g.state_name = i.s AND g.version = i.e
            RETURNING i.idx),
        inserted AS (
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
            SELECT DISTINCT ON (t, k, s) t, k, s, p, 1, $7 FROM input WHERE e = 0 ORDER BY t, k, s, idx
            ON CONFLICT DO NOTHING
            RETURNING grain_type, grain_key, state_name),
        applied AS (
            SELECT idx FROM updated
            UNION ALL
            SELECT min(i.idx) FROM inserted n JOIN input i ON i.e = 0 AND i.t = n.grain_type AND i.k = n.grain_key AND i.s = n.state_name
            GROUP BY n.grain_type, n.grain_key, n.state_name),
        journaled AS (
            INSERT INTO journal (stream, scope, name, at, payload)
            SELECT r.stream, r.scope, r.name, r.at, r.payload
            FROM unnest($8::int[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[]) AS r(idx, stream, scope, name, at, payload)
            JOIN applied a ON a.idx = r.idx
            ORDER BY r.idx)
        SELECT idx FROM applied
        """;

    // Entry changes follow the batch statement in the same round trip and implicit transaction, as
    // plain statements on the entries' keys, each for one write and done only if that write applied:
    // the batch statement records which did in a transaction-local setting. (As part of the batch
    // statement, the removals ran on PostgreSQL's generic plan made while the entries table was
    // small, and an explicit transaction cost each keyed write three round trips.)
    private const string AppliedSetting = "tollgate.applied";
    private static readonly string CommitBatchRecordingApplied = CommitBatch.Replace(
        "SELECT idx FROM applied",
        $"SELECT idx, set_config('{AppliedSetting}', (SELECT string_agg(idx::text, ',') FROM applied), true) FROM applied");

    /// <summary>Adds "and write $n applied" to a statement.</summary>
    private static string IfApplied(string sql, int parameter) =>
        $"{sql} AND ${parameter}::int = ANY (string_to_array(current_setting('{AppliedSetting}', true), ',')::int[])";

    private static readonly string UpsertEntries = $"""
        INSERT INTO grain_entries (grain_type, grain_key, state_name, entry_key, payload, expires_at)
        SELECT t, k, s, key, payload, expires
        FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS n(idx, t, k, s, key, payload, expires)
        WHERE n.idx = ANY (string_to_array(current_setting('{AppliedSetting}', true), ',')::int[])
        ON CONFLICT (grain_type, grain_key, state_name, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
        """;

    protected override Task CommitAsync(IReadOnlyList<PendingOperation> batch) => CommitWritesAsync(batch.Cast<PendingWrite>().ToList()); // statements run on their own

    private async Task CommitWritesAsync(IReadOnlyList<PendingWrite> batch)
    {
        var records = batch.SelectMany((write, index) => write.Records.Select(record => (index, record))).ToList();
        var changesEntries = batch.Any(w => w.Entries.Count > 0 || w.Payload is null);
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var commit = new NpgsqlBatch(connection);
        commit.BatchCommands.Add(new NpgsqlBatchCommand(changesEntries ? CommitBatchRecordingApplied : CommitBatch)
        {
            Parameters =
            {
                new() { Value = Enumerable.Range(0, batch.Count).ToArray() },
                new() { Value = batch.Select(w => w.Key.GrainType).ToArray() },
                new() { Value = batch.Select(w => w.Key.GrainKey).ToArray() },
                new() { Value = batch.Select(w => w.Key.StateName).ToArray() },
                new() { Value = batch.Select(w => w.Payload).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = batch.Select(w => w.ExpectedVersion).ToArray() },
                new() { Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                new() { Value = records.Select(r => r.index).ToArray() },
                new() { Value = records.Select(r => r.record.Stream).ToArray() },
                new() { Value = records.Select(r => r.record.Scope).ToArray() },
                new() { Value = records.Select(r => r.record.Name).ToArray() },
                new() { Value = records.Select(r => r.record.At.ToUnixTimeMilliseconds()).ToArray() },
                new() { Value = records.Select(r => r.record.Payload).ToArray() },
            },
        });
        if (changesEntries) AddEntryChanges(commit, batch);
        await using var reader = await commit.ExecuteReaderAsync();
        while (await reader.ReadAsync()) batch[reader.GetInt32(0)].Applied = true;
        while (await reader.NextResultAsync()) { } // a failed entry change throws here, and the whole batch rolls back
    }

    /// <summary>Removals first (a clear, the named), then the upsert: an entry a write stores stays.</summary>
    private void AddEntryChanges(NpgsqlBatch commit, IReadOnlyList<PendingWrite> batch)
    {
        void Add(string sql, params object[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            commit.BatchCommands.Add(command);
        }
        var stored = new List<(int Index, GrainStateKey State, StateEntry Entry)>();
        for (var index = 0; index < batch.Count; index++)
        {
            var write = batch[index];
            var (type, key, name) = (write.Key.GrainType, write.Key.GrainKey, write.Key.StateName);
            if (write.Payload is null) Add(IfApplied(ClearEntriesSql, 4), type, key, name, index);
            foreach (var entry in write.Entries)
                if (entry.Payload is null) Add(IfApplied(DeleteEntrySql, 5), type, key, name, entry.Key, index);
                else stored.Add((index, write.Key, entry));
        }
        if (stored.Count > 0)
            Add(UpsertEntries, stored.Select(s => s.Index).ToArray(), stored.Select(s => s.State.GrainType).ToArray(), stored.Select(s => s.State.GrainKey).ToArray(),
                stored.Select(s => s.State.StateName).ToArray(), stored.Select(s => s.Entry.Key).ToArray(),
                stored.Select(s => s.Entry.Payload!).ToArray(), stored.Select(s => s.Entry.ExpiresAt.ToUnixTimeMilliseconds()).ToArray());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
