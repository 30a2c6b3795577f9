using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tollgate.Storage.Schema;

namespace Tollgate.Storage;

/// <summary>
/// One database behind a silo: how to open connections to it and its schema. The statements that
/// run on it are shared where both databases speak the same SQL; times are Unix milliseconds.
/// </summary>
internal abstract class SqlDatabase : IAsyncDisposable
{
    public static SqlDatabase Create(StorageOptions options) => options.Provider switch
    {
        StorageProviderKind.PostgreSql => new PostgreSqlDatabase(options.ConnectionString),
        _ => new SqliteDatabase(options.ConnectionString),
    };

    /// <summary>The ADO.NET invariant Orleans' providers load the database's driver by.</summary>
    public abstract string Invariant { get; }

    /// <summary>The connection string Orleans' providers use.</summary>
    public abstract string ConnectionString { get; }

    public abstract string[] Migrations { get; }

    public abstract IReadOnlyDictionary<string, string> OrleansQueries { get; }

    /// <summary>Counts the tables named @p1 (0 or 1).</summary>
    public abstract string TableExistsSql { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the migration transaction, holding what keeps two silos from migrating at once.</summary>
    public abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A command with positional parameters written @p1, @p2, ... (both drivers bind those by name).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object?[] arguments)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        Bind(command.Parameters, command.CreateParameter, arguments);
        return command;
    }

    /// <summary>
    /// Runs the statements in order in the transaction: in one round trip where the driver batches
    /// (Npgsql), one by one where it does not (Microsoft.Data.Sqlite, in process, has no round trips to save).
    /// Returns the rows each statement changed, for the callers whose statements are conditional.
    /// </summary>
    public static async Task<int[]> ExecuteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements)
    {
        var changed = new int[statements.Count];
        if (!connection.CanCreateBatch)
        {
            for (var i = 0; i < statements.Count; i++)
            {
                await using var command = Command(connection, transaction, statements[i].Sql, statements[i].Arguments);
                changed[i] = await command.ExecuteNonQueryAsync();
            }
            return changed;
        }
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            Bind(command.Parameters, command.CreateParameter, statement.Arguments);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
        for (var i = 0; i < statements.Count; i++) changed[i] = batch.BatchCommands[i].RecordsAffected;
        return changed;
    }

    public static void Bind(DbParameterCollection parameters, Func<DbParameter> create, object?[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = create();
            parameter.ParameterName = $"@p{i + 1}";
            parameter.Value = arguments[i] ?? DBNull.Value;
            if (arguments[i] is null) parameter.DbType = System.Data.DbType.String;
            parameters.Add(parameter);
        }
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class PostgreSqlDatabase(string connectionString) : SqlDatabase
{
    // Any fixed number: every silo takes the same advisory lock while it migrates.
    private const long MigrationLockId = 0x746F6C6C67617465;

    private readonly NpgsqlDataSource _dataSource = CreateDataSource(connectionString);

    // Nothing here changes session state (the migration lock is transaction-scoped), so a connection
    // going back to the pool needs no reset statements before its next command.
    private static NpgsqlDataSource CreateDataSource(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 32 }.ConnectionString);

    public override string Invariant => "Npgsql";
    public override string ConnectionString => connectionString;
    public override string[] Migrations => PostgreSqlSchema.Migrations;
    public override IReadOnlyDictionary<string, string> OrleansQueries => PostgreSqlQueries.All;
    public override string TableExistsSql =>
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @p1";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockId})");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

internal sealed class SqliteDatabase : SqlDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        _connectionString = builder.ToString();
        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } and not ":memory:") CreateOwnerOnly(Path.GetFullPath(builder.DataSource));
    }

    /// <summary>
    /// The database holds password hashes and tenants' data: a directory it creates is 0700 and the file
    /// 0600 (made so before SQLite creates it with the umask's mode). SQLite gives its -wal and -shm
    /// files the database file's mode, so they are owner-only too. An existing file is narrowed to 0600.
    /// </summary>
    private static void CreateOwnerOnly(string file)
    {
        if (Path.GetDirectoryName(file) is not { } directory) return;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (File.Exists(file))
        {
            if (File.GetUnixFileMode(file) != ownerOnly) File.SetUnixFileMode(file, ownerOnly);
            return;
        }
        try
        {
            using var created = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly });
        }
        catch (IOException) when (File.Exists(file)) { } // another opener made it first
    }

    public override string Invariant => "System.Data.SQLite"; // Orleans' name for SQLite; it loads Microsoft.Data.Sqlite
    public override string ConnectionString => _connectionString;
    public override string[] Migrations => SqliteSchema.Migrations;
    public override IReadOnlyDictionary<string, string> OrleansQueries => SqliteQueries.All;
    public override string TableExistsSql => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @p1";

    /// <summary>
    /// Waits for a locked database with SQLite's own busy handler: without it Microsoft.Data.Sqlite
    /// sleeps 150 ms before retrying. A commit is on disk before it returns (synchronous=FULL). WAL,
    /// so readers never wait for the writer: set once, since the file keeps it, and asking again on
    /// every open (every state read) takes the database's lock.
    /// </summary>
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var pragmas = _inWal ? "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL;"
            : "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
        await using var command = Command(connection, null, pragmas);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _inWal = true;
        return connection;
    }

    private volatile bool _inWal;

    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await Task.FromResult(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
