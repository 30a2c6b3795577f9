using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// The embedded default. WAL journal so reads never wait for the writer; one writer transaction at
/// a time (SQLite's own rule), which group commit keeps busy. synchronous=FULL: a write is
/// acknowledged only once it is on disk.
/// </summary>
internal sealed class SqliteStorage : SqlStorage
{
    private readonly string _connectionString;

    public SqliteStorage(StorageOptions options) : base(options, writeConcurrency: 1)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30; // also SQLite's busy timeout
        _connectionString = builder.ToString();
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory && builder.Mode != SqliteOpenMode.Memory)
            Directory.CreateDirectory(directory);
    }

    public override string Name => "Sqlite";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override string IdentityColumn => "integer PRIMARY KEY AUTOINCREMENT";

    protected override string Parameter(int index) => $"@p{index}";

    protected override DbParameter NewParameter(DbParameter parameter, int index, object? value)
    {
        parameter.ParameterName = Parameter(index);
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }

    protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }
        // BEGIN IMMEDIATE: a second silo starting on the same file waits here.
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }
}
