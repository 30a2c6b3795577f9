namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain whose changes write journal records (audit, usage, emails) with its state, through
/// <see cref="StateWithRecords{TState}"/> on the group-commit storage (<see cref="StorageNames.GroupCommit"/>).
/// Not Orleans' <c>JournaledGrain</c>, which sources a grain's state from its events.
/// </summary>
public abstract class RecordingGrain : TollgateGrain
{
    /// <summary>The grain's state with records.</summary>
    private protected abstract IOwnedByGrain Recorded { get; }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Recorded.Bind(this.GetGrainId());
        return Task.CompletedTask;
    }
}

/// <summary>Something that reads the grain's stored entries, so must know the grain it belongs to.</summary>
internal interface IOwnedByGrain
{
    void Bind(GrainId grainId);
}
