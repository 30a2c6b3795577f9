using System.Globalization;
using System.Text.Json;
using Orleans.Storage;

namespace Tollgate.Storage;

/// <summary>
/// Grain storage for every grain whose changes carry journal records (<see cref="StorageNames.GroupCommit"/>):
/// each state write goes through the journal's group commit, so one transaction carries the writes of
/// every grain writing at that moment, each with the journal records and entries its state carries
/// (<see cref="IJournalCarrier"/>). A record is stored if and only if its state write committed.
/// State is plain JSON, as <see cref="PlainJsonGrainStorageSerializer"/> writes it; a write is
/// conditional on the etag its grain read, and one that lost a race fails alone, storing nothing.
/// </summary>
public sealed class GroupCommitGrainStorage : IGrainStorage
{
    private const string ReadSql = "SELECT payload, etag FROM grain_state WHERE grain_id = @p1 AND state_name = @p2";

    private readonly SqlDatabase _database;
    private readonly SqlJournal _journal;

    internal GroupCommitGrainStorage(SqlDatabase database, SqlJournal journal) => (_database, _journal) = (database, journal);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = SqlDatabase.Command(connection, null, ReadSql, grainId.ToString(), stateName);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            (grainState.ETag, grainState.RecordExists) = (null, false);
            return;
        }
        // A cleared state keeps its row (payload null), so the etag checks of later writes still hold against it.
        (grainState.ETag, grainState.RecordExists) = (Format(reader.GetInt64(1)), !reader.IsDBNull(0));
        if (grainState.RecordExists)
            grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(0), PlainJsonGrainStorageSerializer.Options)!;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = Expected(grainState.ETag);
        var carrier = grainState.State as IJournalCarrier;
        var (records, entries) = carrier?.TakeJournal() ?? ([], []);
        try
        {
            // Serialized before the first await, on the grain's turn: nothing the grain changes later is in it.
            var payload = JsonSerializer.Serialize(grainState.State, PlainJsonGrainStorageSerializer.Options);
            var written = new StateWrite(stateName, payload, expected, NewEtag());
            if (!await _journal.WriteStateAsync(grainId.ToString(), written, records, entries)) throw Lost(stateName, grainId, grainState.ETag);
            (grainState.ETag, grainState.RecordExists) = (Format(written.NewEtag), true);
        }
        catch
        {
            // Their write may yet have committed (a commit whose answer was lost): written again, they are skipped.
            carrier?.ReturnJournal(records, entries);
            throw;
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var cleared = new StateWrite(stateName, Payload: null, Expected(grainState.ETag), NewEtag());
        if (!await _journal.WriteStateAsync(grainId.ToString(), cleared, [], [])) throw Lost(stateName, grainId, grainState.ETag);
        (grainState.ETag, grainState.RecordExists) = (Format(cleared.NewEtag), false);
    }

    /// <summary>
    /// Random, not a counter: the records' guard knows this write's row by its etag, and a counter would
    /// also match the row another activation wrote from the same etag.
    /// </summary>
    private static long NewEtag() => Random.Shared.NextInt64();

    private static string Format(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    private static long? Expected(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected) ? expected
        : throw new InconsistentStateException($"'{etag}' is not an etag this storage wrote.", storedEtag: null, currentEtag: etag);

    private static InconsistentStateException Lost(string stateName, GrainId grainId, string? etag) =>
        new($"State '{stateName}' of {grainId} was written by another activation since etag '{etag ?? "none"}' was read.",
            storedEtag: null, currentEtag: etag);
}
