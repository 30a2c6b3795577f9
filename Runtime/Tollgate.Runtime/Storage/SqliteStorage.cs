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

    // SQLite has one writer; the batch loop owns this connection and its prepared statements.
    private SqliteConnection? _writer;
    private SqliteCommand? _insert, _update, _journal;

    /// <summary>
    /// One transaction per batch on a connection kept open with its statements prepared once, so a
    /// batch costs its rows and one fsync, not a parse per row. Any failure drops the connection:
    /// the next batch starts clean.
    /// </summary>
    protected override async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        try
        {
            var writer = _writer ??= await OpenWriterAsync();
            await using var transaction = writer.BeginTransaction(deferred: false);
            _insert!.Transaction = _update!.Transaction = _journal!.Transaction = transaction;
            var modifiedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var write in batch)
            {
                var command = write.ExpectedVersion == 0 ? _insert : _update;
                var arguments = WriteArguments(write, modifiedAt);
                for (var i = 0; i < arguments.Length; i++) command.Parameters[i].Value = arguments[i] ?? DBNull.Value;
                write.Applied = await command.ExecuteNonQueryAsync() == 1;
                if (!write.Applied) continue;
                foreach (var record in write.Records)
                {
                    _journal.Parameters[0].Value = record.Stream;
                    _journal.Parameters[1].Value = record.Scope;
                    _journal.Parameters[2].Value = record.Name;
                    _journal.Parameters[3].Value = record.At.ToUnixTimeMilliseconds();
                    _journal.Parameters[4].Value = record.Payload;
                    await _journal.ExecuteNonQueryAsync();
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
        return connection;
    }

    private async Task DropWriterAsync()
    {
        foreach (var command in new[] { _insert, _update, _journal }) command?.Dispose();
        if (_writer is not null) await _writer.DisposeAsync();
        (_writer, _insert, _update, _journal) = (null, null, null, null);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync(); // the batch loop finishes first: then the writer is ours to close
        await DropWriterAsync();
        _checkpointer?.Dispose();
    }

    // Microsoft.Data.Sqlite does its I/O synchronously even behind its async methods.
    protected override ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbConnection>(OpenConnection());
    }

    /// <summary>Every connection, the checkpointer's included, syncs with synchronous=FULL.</summary>
    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL";
        pragma.ExecuteNonQuery();
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
