namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain whose changes write journal records (audit, usage, billing) through an outbox in its
/// state. An outbox a crash left behind is copied when the silo's recovery wakes the grain, or with
/// the grain's next write. Activating copies nothing: a stored outbox is usually copied already (the
/// copy empties it in memory only), and an unreachable journal must not keep the grain from serving.
/// </summary>
public abstract class JournaledGrain : TollgateGrain, IJournaledGrain
{
    /// <summary>The grain's journaled state.</summary>
    private protected abstract IJournalOutboxOwner Journal { get; }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Journal.Bind(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task FlushJournal() => Journal.FlushAsync();
}

/// <summary>Something that holds an outbox it can copy into the journal.</summary>
internal interface IJournalOutboxOwner
{
    void Bind(GrainId grainId);

    Task FlushAsync();
}
