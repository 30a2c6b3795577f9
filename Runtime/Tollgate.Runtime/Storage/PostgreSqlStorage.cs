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
    /// applied (by index), and only those writes' journal records and entries are stored. When two
    /// writes in a batch target one row, PostgreSQL updates it once and returns only the write that
    /// applied: the other fails as a conflict, as it would alone.
    /// </summary>
    private const string CommitBatch = """
        WITH input AS (
            SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $17::bigint[]) AS i(idx, t, k, s, p, e, x)),
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
            ORDER BY r.idx),
        entries AS (
            SELECT i.t, i.k, i.s, n.key, n.payload, n.expires
            FROM unnest($14::int[], $15::text[], $16::text[], $18::bigint[]) AS n(idx, key, payload, expires)
            JOIN applied a ON a.idx = n.idx JOIN input i ON i.idx = n.idx),
        stored AS (
            INSERT INTO grain_entries (grain_type, grain_key, state_name, entry_key, payload, expires_at)
            SELECT t, k, s, key, payload, expires FROM entries WHERE payload IS NOT NULL
            ON CONFLICT (grain_type, grain_key, state_name, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at),
        expired AS (
            DELETE FROM grain_entries g USING input i JOIN applied a ON a.idx = i.idx
            WHERE i.x IS NOT NULL AND g.grain_type = i.t AND g.grain_key = i.k AND g.state_name = i.s AND g.expires_at <= i.x
              AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.t = g.grain_type AND e.k = g.grain_key AND e.s = g.state_name AND e.key = g.entry_key)),
        removed AS (
            DELETE FROM grain_entries g USING entries e
            WHERE e.payload IS NULL AND g.grain_type = e.t AND g.grain_key = e.k AND g.state_name = e.s AND g.entry_key = e.key),
        cleared AS (
            DELETE FROM grain_entries g USING input i JOIN applied a ON a.idx = i.idx
            WHERE i.p IS NULL AND g.grain_type = i.t AND g.grain_key = i.k AND g.state_name = i.s)
        SELECT idx FROM applied
        """;

    protected override async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        var records = batch.SelectMany((write, index) => write.Records.Select(record => (index, record))).ToList();
        var entries = batch.SelectMany((write, index) => write.Entries.Select(entry => (index, entry))).ToList();
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(CommitBatch, connection)
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
                new() { Value = entries.Select(e => e.index).ToArray() },
                new() { Value = entries.Select(e => e.entry.Key).ToArray() },
                new() { Value = entries.Select(e => e.entry.Payload).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = batch.Select(w => w.RemoveExpiredBy?.ToUnixTimeMilliseconds()).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint },
                new() { Value = entries.Select(e => e.entry.ExpiresAt.ToUnixTimeMilliseconds()).ToArray() },
            },
        };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) batch[reader.GetInt32(0)].Applied = true;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
