namespace Tollgate.Storage;

/// <summary>Whether the database answers, for readiness checks.</summary>
public interface IStorageHealth
{
    /// <summary>Throws when the database cannot be reached.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
