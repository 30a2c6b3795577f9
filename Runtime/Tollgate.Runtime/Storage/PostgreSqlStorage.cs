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

    /// <summary>Stores the entries of the writes that applied, each state's at most once per batch.</summary>
    private const string UpsertEntries = """
        INSERT INTO grain_entries (grain_type, grain_key, state_name, entry_key, payload, expires_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
        ON CONFLICT (grain_type, grain_key, state_name, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
        """;

    /// <summary>
    /// A batch whose writes change entries commits in an explicit transaction: the batch statement,
    /// then the entry changes of the writes that applied, as plain statements on the entries' keys.
    /// (Inside the batch statement, the removals ran on PostgreSQL's cached generic plan, made while
    /// the entries table was small: a scan of the whole table for every batch, once it held a few
    /// hundred thousand answers, and 1,100 keyed consumes a second where there had been 16,000.)
    /// </summary>
    protected override async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        var records = batch.SelectMany((write, index) => write.Records.Select(record => (index, record))).ToList();
        await using var connection = await _dataSource.OpenConnectionAsync();
        var changesEntries = batch.Any(w => w.Entries.Count > 0 || w.RemoveExpiredBy is not null || w.Payload is null);
        await using var transaction = changesEntries ? await connection.BeginTransactionAsync() : null;
        await using (var command = new NpgsqlCommand(CommitBatch, connection, transaction)
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
        })
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) batch[reader.GetInt32(0)].Applied = true;
        if (transaction is null) return;
        await using (var changes = EntryChanges(connection, transaction, batch.Where(w => w.Applied)))
            if (changes.BatchCommands.Count > 0) await changes.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>Removals first (a clear, the expired, the named), then the upsert: an entry a write stores stays.</summary>
    private NpgsqlBatch EntryChanges(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PendingWrite> applied)
    {
        var changes = new NpgsqlBatch(connection, transaction);
        void Add(string sql, params object[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            changes.BatchCommands.Add(command);
        }
        var stored = new List<(GrainStateKey State, StateEntry Entry)>();
        foreach (var write in applied)
        {
            var (type, key, name) = (write.Key.GrainType, write.Key.GrainKey, write.Key.StateName);
            if (write.Payload is null) Add(ClearEntriesSql, type, key, name);
            if (write.RemoveExpiredBy is { } cutoff) Add(DeleteExpiredEntriesSql, cutoff.ToUnixTimeMilliseconds());
            foreach (var entry in write.Entries)
                if (entry.Payload is null) Add(DeleteEntrySql, type, key, name, entry.Key);
                else stored.Add((write.Key, entry));
        }
        if (stored.Count > 0)
            Add(UpsertEntries, stored.Select(s => s.State.GrainType).ToArray(), stored.Select(s => s.State.GrainKey).ToArray(),
                stored.Select(s => s.State.StateName).ToArray(), stored.Select(s => s.Entry.Key).ToArray(),
                stored.Select(s => s.Entry.Payload!).ToArray(), stored.Select(s => s.Entry.ExpiresAt.ToUnixTimeMilliseconds()).ToArray());
        return changes;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
