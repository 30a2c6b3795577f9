namespace Tollgate.Grains.Journal;

/// <summary>
/// A grain that journals its changes through an outbox. The silo calls it to copy an outbox left
/// behind by a crash between committing a change and copying its records.
/// </summary>
[Alias("tollgate.IJournaledGrain")]
public interface IJournaledGrain : IGrainWithStringKey
{
    Task FlushJournal();
}
