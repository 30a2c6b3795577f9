namespace Tollgate.Storage;

public enum StorageProviderKind { Sqlite, PostgreSql }

/// <summary>Storage settings, bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProviderKind Provider { get; set; } = StorageProviderKind.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/tollgate.db";

    /// <summary>The most journal writes one transaction carries.</summary>
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>PostgreSQL: how many journal transactions may commit at once (SQLite has one writer).</summary>
    public int WriteConcurrency { get; set; } = 4;

    /// <summary>How often expired entries (idempotency answers) are removed.</summary>
    public TimeSpan ExpiredEntrySweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The names grains give their persistent states' storage.</summary>
public static class StorageNames
{
    public const string Default = "tollgate";

    /// <summary>
    /// The state of every grain whose changes carry journal records, in Tollgate's own <see cref="GroupCommitGrainStorage"/>:
    /// each write commits with its records in a transaction shared with other grains' writes.
    /// </summary>
    public const string GroupCommit = "group-commit";
}
