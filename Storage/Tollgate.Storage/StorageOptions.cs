namespace Tollgate.Storage;

public enum StorageProviderKind { Sqlite, PostgreSql }

/// <summary>Storage settings, bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProviderKind Provider { get; set; } = StorageProviderKind.Sqlite;

    /// <summary>
    /// The provider's connection string. By default a SQLite file in the user's local application data
    /// (<c>~/.local/share/tollgate/tollgate.db</c> on Linux), outside the content root: a file
    /// watcher on the content root would wake on every write-ahead log write.
    /// </summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    public static string DefaultConnectionString =>
        $"Data Source={Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tollgate", "tollgate.db")}";

    /// <summary>The most journal writes one transaction carries.</summary>
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>PostgreSQL: how many journal transactions may commit at once (SQLite has one writer).</summary>
    public int WriteConcurrency { get; set; } = 4;

    /// <summary>How often expired entries (idempotency answers) are removed.</summary>
    public TimeSpan ExpiredEntrySweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}
