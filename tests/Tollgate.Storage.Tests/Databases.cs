using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Storage.Schema;

namespace Tollgate.Storage.Tests;

/// <summary>Fresh real databases for the tests, and direct access to what is stored in them.</summary>
internal static class Databases
{
    public static StorageOptions Options(this StorageTarget target) =>
        new() { Provider = target.Provider, ConnectionString = target.ConnectionString };

    /// <summary>A fresh database with Tollgate's schema, and the handle the providers use to reach it.</summary>
    public static async Task<SqlDatabase> OpenMigratedAsync(StorageTarget target)
    {
        var database = SqlDatabase.Create(target.Options());
        await MigrateAsync(database);
        return database;
    }

    public static Task MigrateAsync(SqlDatabase database) =>
        new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);

    /// <summary>The rows of a one-column query.</summary>
    public static async Task<List<object>> QueryAsync(SqlDatabase database, string sql, params object?[] arguments)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null, sql, arguments);
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<object>();
        while (await reader.ReadAsync()) values.Add(reader.GetValue(0));
        return values;
    }

    public static async Task<long> CountAsync(SqlDatabase database, string sql, params object?[] arguments) =>
        Convert.ToInt64((await QueryAsync(database, sql, arguments)).Single());
}
