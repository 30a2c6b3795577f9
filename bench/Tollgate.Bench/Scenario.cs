namespace Tollgate.Bench;

public enum Workload
{
    /// <summary>A call that returns a value and touches no storage.</summary>
    GrainCall,
    /// <summary>A call that increments a counter and awaits its durable write.</summary>
    PersistedWrite,
}

public sealed record Scenario(Workload Workload, BenchStorage Storage, int Grains)
{
    public string Name => Workload switch
    {
        Workload.GrainCall => "grain call",
        Workload.PersistedWrite => "persisted write",
        _ => throw new ArgumentOutOfRangeException(nameof(Workload)),
    };

    public string StorageName => Storage.ToString().ToLowerInvariant();

    public override string ToString() => $"{StorageName} {Name}, {Grains:N0} grain{(Grains == 1 ? "" : "s")}";
}

public sealed record ScenarioResult(Scenario Scenario, LoadResult Load);

/// <summary>A scenario whose calls failed or whose acknowledged writes were not all found after a restart.</summary>
public sealed class BenchFailedException(string message, Exception? innerException = null) : Exception(message, innerException);
