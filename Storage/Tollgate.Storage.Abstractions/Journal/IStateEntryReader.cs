namespace Tollgate.Storage;

/// <summary>Reads the entries grains keep beside their state (<see cref="StateEntry"/>).</summary>
public interface IStateEntryReader
{
    /// <summary>Those of the named entries that are stored for the grain, by key.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(string grainId, IReadOnlyCollection<string> entryKeys,
        CancellationToken cancellationToken = default);
}
