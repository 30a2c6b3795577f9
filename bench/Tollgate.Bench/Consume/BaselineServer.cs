using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Bench.Consume;

/// <summary>
/// The baseline a user would otherwise write: a minimal ASP.NET endpoint that runs, per request,
/// on a pooled connection, one conditional UPDATE ... RETURNING. Same durability as Tollgate
/// (SQLite WAL with synchronous=FULL; PostgreSQL with fsync on).
/// </summary>
public static class BaselineServer
{
    public sealed record ConsumeBody(string Counter, long Amount);

    public static async Task<int> RunAsync(string storage, string connectionString, string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        if (storage == "none") // the floor: the same request, parsed and answered, nothing counted
        {
            app.MapPost("/consume", (ConsumeBody body) => Results.Ok(new { used = body.Amount }));
            return await ServeAsync(app);
        }
        Func<Task<DbConnection>> open = storage == "sqlite" ? OpenSqliteAsync(connectionString) : OpenPostgresAsync(connectionString);
        var sql = storage == "sqlite"
            ? "UPDATE counters SET used = used + @n WHERE id = @k AND used + @n <= lim RETURNING used"
            : "UPDATE counters SET used = used + $1 WHERE id = $2 AND used + $1 <= lim RETURNING used";

        app.MapPost("/consume", async (ConsumeBody body) =>
        {
            await using var connection = await open();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            if (storage == "sqlite")
            {
                command.Parameters.Add(new SqliteParameter("@n", body.Amount));
                command.Parameters.Add(new SqliteParameter("@k", body.Counter));
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter { Value = body.Amount });
                command.Parameters.Add(new NpgsqlParameter { Value = body.Counter });
            }
            var used = await command.ExecuteScalarAsync();
            return used is null ? Results.StatusCode(StatusCodes.Status402PaymentRequired) : Results.Ok(new { used = (long)used });
        });
        return await ServeAsync(app);
    }

    /// <summary>Says it is ready only once Kestrel listens: the bench starts sending at that line.</summary>
    private static async Task<int> ServeAsync(WebApplication app)
    {
        await app.StartAsync();
        Console.WriteLine("baseline ready");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Creates the counters table with <paramref name="counters"/> rows named c0, c1, ...</summary>
    public static async Task SeedAsync(string storage, string connectionString, int counters)
    {
        var open = storage == "sqlite" ? OpenSqliteAsync(connectionString) : OpenPostgresAsync(connectionString);
        await using var connection = await open();
        if (storage == "sqlite")
        {
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync();
        }
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE IF NOT EXISTS counters (id text PRIMARY KEY, used bigint NOT NULL, lim bigint NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < counters; i++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO counters (id, used, lim) VALUES ('c{i}', 0, {long.MaxValue / 2})";
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static Func<Task<DbConnection>> OpenSqliteAsync(string connectionString)
    {
        var pooled = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 }.ToString();
        return async () =>
        {
            var connection = new SqliteConnection(pooled);
            await connection.OpenAsync();
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = FULL"; // as Tollgate does; WAL is set once, at seeding
            await pragma.ExecuteNonQueryAsync();
            return connection;
        };
    }

    private static Func<Task<DbConnection>> OpenPostgresAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        return async () => await dataSource.OpenConnectionAsync();
    }
}
