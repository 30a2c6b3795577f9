using System.Data.Common;

namespace Tollgate.Storage;

/// <summary>
/// A connection kept open for the journal's commits on SQLite, each statement prepared on it once and
/// reused. Microsoft.Data.Sqlite parses and compiles a statement for every new command, and drops a
/// connection's compiled statements when it goes back to the pool, so SQLite's one writer compiled the
/// same few statements in every commit. (Npgsql prepares statements it sees repeated on its own:
/// <c>Max Auto Prepare</c>, set in <see cref="PostgreSqlDatabase"/>.) One writer at a time uses it.
/// </summary>
internal sealed class PreparedConnection(DbConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    /// <summary>Runs the statements in order in the transaction; returns the rows each changed.</summary>
    public async Task<int[]> ExecuteAsync(DbTransaction transaction, IReadOnlyList<Statement> statements)
    {
        var changed = new int[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            var command = Prepared(statements[i].Sql);
            command.Transaction = transaction;
            // New parameters on the prepared statement: SQLite binds them at each execution.
            command.Parameters.Clear();
            SqlDatabase.Bind(command.Parameters, command.CreateParameter, statements[i].Arguments);
            changed[i] = await command.ExecuteNonQueryAsync();
        }
        return changed;
    }

    private DbCommand Prepared(string sql)
    {
        if (_commands.TryGetValue(sql, out var command)) return command;
        command = connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        _commands.Add(sql, command);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync();
        await connection.DisposeAsync();
    }
}
