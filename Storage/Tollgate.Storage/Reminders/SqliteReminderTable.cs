using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Tollgate.Storage.Reminders;

/// <summary>
/// Orleans reminders on SQLite, which Orleans ships no table for. Rows are versioned: an update or
/// removal names the version it read (the etag) and changes nothing if another got there first.
/// Grain hashes are stored unsigned, so a range of the hash ring compares as Orleans means it.
/// </summary>
internal sealed class SqliteReminderTable(SqlDatabase database, IOptions<ClusterOptions> cluster) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_ms, version";
    private readonly string _serviceId = cluster.Value.ServiceId;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        ReadAsync($"SELECT {Columns} FROM reminders WHERE service_id = @p1 AND grain_id = @p2", _serviceId, grainId.ToString());

    /// <summary>The ring's range (begin, end], wrapping past the top when begin is not below end (all of it when equal).</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => begin < end
        ? ReadAsync($"SELECT {Columns} FROM reminders WHERE service_id = @p1 AND grain_hash > @p2 AND grain_hash <= @p3", _serviceId, (long)begin, (long)end)
        : ReadAsync($"SELECT {Columns} FROM reminders WHERE service_id = @p1 AND (grain_hash > @p2 OR grain_hash <= @p3)", _serviceId, (long)begin, (long)end);

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        (await ReadAsync($"SELECT {Columns} FROM reminders WHERE service_id = @p1 AND grain_id = @p2 AND reminder_name = @p3",
            _serviceId, grainId.ToString(), reminderName)).Reminders.FirstOrDefault();

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null, """
            INSERT INTO reminders (service_id, grain_id, reminder_name, start_at, period_ms, grain_hash, version)
            VALUES (@p1, @p2, @p3, @p4, @p5, @p6, 1)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
                SET start_at = excluded.start_at, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash, version = reminders.version + 1
            RETURNING version
            """, _serviceId, entry.GrainId.ToString(), entry.ReminderName, new DateTimeOffset(entry.StartAt.ToUniversalTime()).ToUnixTimeMilliseconds(),
            (long)entry.Period.TotalMilliseconds, (long)entry.GrainId.GetUniformHashCode());
        return Convert.ToInt64(await command.ExecuteScalarAsync()).ToString();
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!long.TryParse(eTag, out var version)) return false;
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null,
            "DELETE FROM reminders WHERE service_id = @p1 AND grain_id = @p2 AND reminder_name = @p3 AND version = @p4",
            _serviceId, grainId.ToString(), reminderName, version);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task TestOnlyClearTable()
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null, "DELETE FROM reminders WHERE service_id = @p1", _serviceId);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<ReminderTableData> ReadAsync(string sql, params object?[] arguments)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null, sql, arguments);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync())
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)).UtcDateTime,
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetInt64(4).ToString(),
            });
        return new ReminderTableData(entries);
    }
}
