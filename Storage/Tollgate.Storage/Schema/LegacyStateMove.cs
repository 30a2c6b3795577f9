using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Tollgate.Storage.Schema;

/// <summary>
/// Moves the states that earlier versions kept on Orleans' ADO.NET storage with an outbox (tenants,
/// users, sessions, subscriptions, the catalog, provider events) into <c>grain_state</c>, where the
/// group-commit storage reads them now, with the records and entries their outbox still held (a crash
/// between committing a change and copying its records left them there) into the journal's tables.
/// <para>
/// A move at start rather than a read fallback in the group-commit storage: a fallback would leave a
/// crashed write's records out of the journal until its grain happened to be written again, and would
/// cost every read of a state not yet stored (a made-up tenant id, a refresh token) a second read forever.
/// </para>
/// Each grain moves in one transaction: its state row is inserted only if it has none, its records
/// only with that row (one already in the journal, copied before the crash, is skipped), and its old
/// row is deleted only once the new one is there. So silos starting together, or a start that stopped
/// halfway, move each grain once. Run it with every silo of an earlier version stopped.
/// </summary>
internal sealed class LegacyStateMove(SqlDatabase database, IOptions<ClusterOptions> cluster, ILogger<LegacyStateMove> logger)
{
    /// <summary>The states earlier versions journaled through Orleans' storage, by state name, with their grain type.</summary>
    private static readonly (string StateName, string GrainType)[] Moved =
    [
        ("tenant", "tenant"), ("user", "user"), ("session", "session"), ("subscription", "subscription"),
        ("catalog", "catalog"), ("event", "provider-event"),
    ];

    private const int Batch = 500;

    // A string-keyed grain's row, as Orleans' storage keys it: both numeric parts 0, the key in the extension.
    private const string ReadSql = """
        SELECT GrainIdExtensionString, PayloadBinary, Version FROM OrleansStorage
        WHERE ServiceId = @p1 AND GrainTypeString = @p2 AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND GrainIdExtensionString > @p3
        ORDER BY GrainIdExtensionString LIMIT @p4
        """;

    private const string DeleteSql = """
        DELETE FROM OrleansStorage
        WHERE ServiceId = @p1 AND GrainTypeString = @p2 AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND GrainIdExtensionString = @p3
        AND Version = @p4
        AND EXISTS (SELECT 1 FROM grain_state WHERE grain_id = @p5 AND state_name = @p2 AND etag = @p6)
        """;

    public async Task MoveAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        foreach (var (stateName, grainType) in Moved)
        {
            var after = "";
            while (true)
            {
                var rows = await ReadAsync(stateName, after, cancellationToken);
                foreach (var row in rows) moved += await MoveAsync(stateName, grainType, row, cancellationToken);
                if (rows.Count < Batch) break;
                after = rows[^1].Key;
            }
        }
        if (moved > 0) logger.LogInformation("Moved {Grains} grain states from Orleans' storage to the group-commit storage", moved);
    }

    private sealed record Row(string Key, byte[]? Payload, long Version);

    private async Task<List<Row>> ReadAsync(string stateName, string after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, ReadSql, cluster.Value.ServiceId, stateName, after, (long)Batch);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Row>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var payload = reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1);
            rows.Add(new Row(reader.GetString(0), payload, Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    /// <summary>Moves one grain in a transaction of its own; 1 if this call moved it, 0 if another did.</summary>
    private async Task<int> MoveAsync(string stateName, string grainType, Row row, CancellationToken cancellationToken)
    {
        var grainId = $"{grainType}/{row.Key}"; // GrainId's own text, as the group-commit storage and the journal name the grain
        var (payload, records, entries) = TakeOutbox(row.Payload);
        var state = new StateWrite(stateName, payload, ExpectedEtag: null, NewEtag: Random.Shared.NextInt64());
        List<Statement> statements = [state.Statement(grainId)];
        foreach (var record in records) state.AddRecord(statements, grainId, record);
        statements.AddRange(entries.Select(entry => state.WriteEntry(grainId, entry)));
        statements.Add(new Statement(DeleteSql, [cluster.Value.ServiceId, stateName, row.Key, row.Version, grainId, state.NewEtag]));
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await SqlDatabase.ExecuteAsync(connection, transaction, statements);
        await transaction.CommitAsync(cancellationToken);
        return changed[^1];
    }

    /// <summary>
    /// The state as the group-commit storage stores it (its outbox emptied, its last sequence kept, so
    /// the grain's next records number on), and the records and entries the outbox held.
    /// </summary>
    private static (string? Payload, List<SequencedRecord> Records, List<StateEntry> Entries) TakeOutbox(byte[]? stored)
    {
        if (stored is null) return (null, [], []); // a cleared state: the row keeps its place, as the group-commit storage keeps it
        var options = PlainJsonGrainStorageSerializer.Options;
        var state = JsonNode.Parse(stored, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!.AsObject();
        var outbox = state["outbox"]?.AsObject();
        var records = outbox?["records"]?.Deserialize<List<SequencedRecord>>(options) ?? [];
        var entries = outbox?["entries"]?.Deserialize<List<StateEntry>>(options) ?? [];
        if (outbox is not null) (outbox["records"], outbox["entries"]) = (new JsonArray(), new JsonArray());
        return (state.ToJsonString(options), records, entries);
    }
}
