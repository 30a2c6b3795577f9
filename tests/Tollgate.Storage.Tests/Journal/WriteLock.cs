using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tollgate.Storage.Tests.Journal;

/// <summary>
/// Holds up every journal transaction from another connection, so writes made meanwhile queue up and
/// are carried together by the transaction after the lock goes: a batch that is known to be shared.
/// </summary>
internal sealed class WriteLock : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;

    private WriteLock(DbConnection connection, DbTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<WriteLock> TakeAsync(StorageTarget target)
    {
        if (target.Provider == StorageProviderKind.Sqlite)
        {
            var sqlite = new SqliteConnection(target.ConnectionString);
            await sqlite.OpenAsync();
            // IMMEDIATE takes SQLite's one write lock now; the journal's transactions wait in their busy handler.
            return new WriteLock(sqlite, sqlite.BeginTransaction(deferred: false));
        }
        var postgres = new NpgsqlConnection(target.ConnectionString);
        await postgres.OpenAsync();
        var transaction = await postgres.BeginTransactionAsync();
        // Every state write changes its row, and every write without a state inserts records, so every journal transaction waits.
        await using var command = new NpgsqlCommand("LOCK TABLE journal, grain_state IN EXCLUSIVE MODE", postgres, transaction);
        await command.ExecuteNonQueryAsync();
        return new WriteLock(postgres, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
