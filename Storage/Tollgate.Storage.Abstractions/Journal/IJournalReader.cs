namespace Tollgate.Storage;

/// <summary>Reads journal records across grains, for logs, reports and exports.</summary>
public interface IJournalReader
{
    Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default);
}
