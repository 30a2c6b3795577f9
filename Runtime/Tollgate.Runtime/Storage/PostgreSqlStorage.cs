using System.Data.Common;
using Npgsql;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// PostgreSQL, for production and for several silos on one database. Batched writes go in one
/// round trip (NpgsqlBatch) and several transactions may commit at once.
/// </summary>
internal sealed class PostgreSqlStorage(StorageOptions options) : SqlStorage(options, options.WriteConcurrency)
{
    // Any fixed number: every silo takes the same advisory lock while it migrates.
    private const long MigrationLockId = 0x746F6C6C67617465;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(options.ConnectionString);

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

    // A write that carries journal records is one statement: the records are inserted only if the
    // versioned update (or first insert) applied, so "rows affected" > 0 means it applied.
    private const string JournalRows = "INSERT INTO journal (stream, scope, name, at, payload) SELECT r.* FROM w, unnest($6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[]) AS r";
    private const string InsertWithJournal =
        "WITH w AS (INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING RETURNING 1) " + JournalRows;
    private const string UpdateWithJournal =
        "WITH w AS (UPDATE grain_state SET payload = $4, version = version + 1, modified_at = $5 WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $11 RETURNING 1) " + JournalRows;

    /// <summary>
    /// The whole batch in one round trip: without an explicit transaction, Npgsql sends it with a
    /// single Sync, so PostgreSQL runs it as one implicit transaction that commits (or, on any
    /// error, rolls back) as a unit.
    /// </summary>
    protected override async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var npgsqlBatch = connection.CreateBatch();
        var modifiedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var write in batch)
        {
            var command = npgsqlBatch.CreateBatchCommand();
            var arguments = WriteArguments(write, modifiedAt);
            if (write.Records.Count == 0)
            {
                command.CommandText = WriteStatement(write);
            }
            else
            {
                command.CommandText = write.ExpectedVersion == 0 ? InsertWithJournal : UpdateWithJournal;
                var records = write.Records;
                arguments =
                [
                    .. arguments.Take(5),
                    records.Select(r => r.Stream).ToArray(), records.Select(r => r.Scope).ToArray(), records.Select(r => r.Name).ToArray(),
                    records.Select(r => r.At.ToUnixTimeMilliseconds()).ToArray(), records.Select(r => r.Payload).ToArray(),
                    .. write.ExpectedVersion == 0 ? Array.Empty<object?>() : [write.ExpectedVersion],
                ];
            }
            foreach (var argument in arguments) command.Parameters.Add(NewParameter(new NpgsqlParameter(), 0, argument));
            npgsqlBatch.BatchCommands.Add(command);
        }
        await npgsqlBatch.ExecuteNonQueryAsync();
        for (var i = 0; i < batch.Count; i++) batch[i].Applied = npgsqlBatch.BatchCommands[i].RecordsAffected > 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
