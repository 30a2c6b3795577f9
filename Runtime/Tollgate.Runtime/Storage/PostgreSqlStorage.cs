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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
