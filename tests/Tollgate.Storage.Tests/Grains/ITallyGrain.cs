namespace Tollgate.Storage.Tests.Grains;

/// <summary>A grain on the group-commit storage (<see cref="StorageNames.GroupCommit"/>).</summary>
public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Adds to the count, with an audit record of the change and an entry named after it.</summary>
    Task AddAsync(long amount, string entryKey);

    Task<long> GetAsync();
}
