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
