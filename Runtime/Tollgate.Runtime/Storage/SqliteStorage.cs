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
    private readonly SqliteCheckpointer? _checkpointer;

    public SqliteStorage(StorageOptions options) : base(options, writeConcurrency: 1, blockingCommits: true)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30; // also SQLite's busy timeout
        _connectionString = builder.ToString();
        if (builder.Mode != SqliteOpenMode.Memory)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory) Directory.CreateDirectory(directory);
            _checkpointer = new SqliteCheckpointer(OpenConnection);
        }
    }

    public override string Name => "Sqlite";

    /// <summary>Stores one entry of a state (state key 1-3, entry key 4, payload 5, expiry 6).</summary>
    private const string UpsertEntrySql = """
        INSERT INTO grain_entries (grain_type, grain_key, state_name, entry_key, payload, expires_at) VALUES (@p1, @p2, @p3, @p4, @p5, @p6)
        ON CONFLICT (grain_type, grain_key, state_name, entry_key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
        """;

    // SQLite has one writer; the batch loop owns this connection and its prepared statements.
    private SqliteConnection? _writer;
    private SqliteCommand? _insert, _update, _journal, _upsertEntry, _deleteEntry, _clearEntries;
    private SqliteCommand[] _statements = [];

    /// <summary>
    /// One transaction per batch on a connection kept open with its statements prepared once, so a
    /// batch costs its rows and one fsync, not a parse per row. Any failure drops the connection:
    /// the next batch starts clean.
    /// </summary>
    protected override async Task CommitAsync(IReadOnlyList<PendingOperation> batch)
    {
        try
        {
            var writer = _writer ??= await OpenWriterAsync();
            await using var transaction = writer.BeginTransaction(deferred: false);
            foreach (var statement in _statements) statement.Transaction = transaction;
            var modifiedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var operation in batch)
            {
                if (operation is PendingStatement other)
                {
                    other.Result = await ExecuteAsync(other, writer, transaction, CancellationToken.None);
                    continue;
                }
                var write = (PendingWrite)operation;
                var command = write.ExpectedVersion == 0 ? _insert! : _update!;
                var arguments = WriteArguments(write, modifiedAt);
                for (var i = 0; i < arguments.Length; i++) command.Parameters[i].Value = arguments[i] ?? DBNull.Value;
                write.Applied = await command.ExecuteNonQueryAsync() == 1;
                if (!write.Applied) continue;
                foreach (var record in write.Records)
                {
                    _journal!.Parameters[0].Value = record.Stream;
                    _journal.Parameters[1].Value = record.Scope;
                    _journal.Parameters[2].Value = record.Name;
                    _journal.Parameters[3].Value = record.At.ToUnixTimeMilliseconds();
                    _journal.Parameters[4].Value = record.Payload;
                    await _journal.ExecuteNonQueryAsync();
                }
                if (write.Payload is null) await ExecuteForStateAsync(_clearEntries!, write.Key);
                foreach (var entry in write.Entries)
                {
                    var statement = entry.Payload is null ? _deleteEntry! : _upsertEntry!;
                    statement.Parameters[3].Value = entry.Key;
                    if (entry.Payload is not null)
                    {
                        statement.Parameters[4].Value = entry.Payload;
                        statement.Parameters[5].Value = entry.ExpiresAt.ToUnixTimeMilliseconds();
                    }
                    await ExecuteForStateAsync(statement, write.Key);
                }
            }
            await transaction.CommitAsync();
            _checkpointer?.Committed();
        }
        catch
        {
            await DropWriterAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLite has one write lock. A statement on a connection of its own would wait for the writer's
    /// transactions, behind a busy writer for seconds, and make the writer's next batch wait for it;
    /// carried by a batch it costs neither, and shares the batch's commit.
    /// </summary>
    protected override Task<long> ExecuteWriteAsync(PendingStatement statement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return EnqueueAsync(statement);
    }

    private static async Task ExecuteForStateAsync(SqliteCommand command, GrainStateKey key)
    {
        command.Parameters[0].Value = key.GrainType;
        command.Parameters[1].Value = key.GrainKey;
        command.Parameters[2].Value = key.StateName;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = OpenConnection();
        // SQLite checkpoints the WAL into the database inside the commit that makes the WAL reach
        // this many pages, and every write queued behind that commit waits (10 ms and more with
        // 10,000 counters). The checkpointer does that work beside the writer; this threshold is
        // only the backstop should it fall behind.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA wal_autocheckpoint = {SqliteCheckpointer.BackstopPages}";
            await pragma.ExecuteNonQueryAsync();
        }
        SqliteCommand Prepare(string sql, int parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 1; i <= parameters; i++) command.Parameters.Add(new SqliteParameter(Parameter(i), DBNull.Value));
            command.Prepare();
            return command;
        }
        _insert = Prepare(InsertStateSql, 5);
        _update = Prepare(UpdateStateSql, 6);
        _journal = Prepare(InsertJournalSql, 5);
        _upsertEntry = Prepare(UpsertEntrySql, 6);
        _deleteEntry = Prepare(DeleteEntrySql, 4);
        _clearEntries = Prepare(ClearEntriesSql, 3);
        _statements = [_insert, _update, _journal, _upsertEntry, _deleteEntry, _clearEntries];
        return connection;
    }

    private async Task DropWriterAsync()
    {
        foreach (var statement in _statements) statement.Dispose();
        if (_writer is not null) await _writer.DisposeAsync();
        (_writer, _insert, _update, _journal, _statements) = (null, null, null, null, []);
        (_upsertEntry, _deleteEntry, _clearEntries) = (null, null, null);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync(); // the batch loop finishes first: then the writer is ours to close
        await DropWriterAsync();
        _checkpointer?.Dispose();
    }

    /// <summary>The named entries in one statement: SQLite looks each up on the primary key.</summary>
    public override Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(GrainStateKey key, IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenConnection();
        using var command = Command(connection, null, $"{ReadEntriesSql} AND entry_key IN (SELECT value FROM json_each({Parameter(4)}))",
            key.GrainType, key.GrainKey, key.StateName, System.Text.Json.JsonSerializer.Serialize(entryKeys));
        using var reader = command.ExecuteReader();
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read()) entries[reader.GetString(0)] = reader.GetString(1);
        return Task.FromResult<IReadOnlyDictionary<string, string>>(entries);
    }

    // Microsoft.Data.Sqlite does its I/O synchronously even behind its async methods.
    protected override ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbConnection>(OpenConnection());
    }

    /// <summary>
    /// Every connection, the checkpointer's included, syncs with synchronous=FULL, and waits for a
    /// lock with SQLite's own busy handler.
    /// </summary>
    /// <remarks>
    /// The write lock is the batch writer's alone, but the migration and the checkpointer take
    /// locks too, as may a second silo on the same file. Without a busy timeout SQLite answers
    /// SQLITE_BUSY at once, and Microsoft.Data.Sqlite then retries after sleeping 150 ms: a batch
    /// that met another writer held every consume behind it for 150 ms (a half-load p99 of 132 ms
    /// in the consume bench). SQLite's handler retries after 1, 2, 5, 10... ms instead.
    /// </remarks>
    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {connection.DefaultTimeout * 1000L}";
        pragma.ExecuteNonQuery();
        return connection;
    }

    protected override string IdentityColumn => "integer PRIMARY KEY AUTOINCREMENT";

    // One B-tree ordered by the key instead of a rowid table plus a key index: an entry's write touches half the pages.
    protected override string ClusteredTableOption => " WITHOUT ROWID";

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
