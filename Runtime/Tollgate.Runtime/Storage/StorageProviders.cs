using Microsoft.Extensions.Options;

namespace Tollgate.Runtime.Storage;

public static class StorageProviders
{
    /// <summary>Creates the configured provider; <paramref name="memory"/> backs the in-memory one.</summary>
    public static IStorageProvider Create(StorageOptions options, MemoryDatabase? memory = null) => options.Provider switch
    {
        StorageProviderKind.Sqlite => new SqliteStorage(options),
        StorageProviderKind.PostgreSql => new PostgreSqlStorage(options),
        StorageProviderKind.Memory => new MemoryStorage(memory ?? new MemoryDatabase()),
        _ => throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions),
            [$"Storage:Provider must be Sqlite, PostgreSql or Memory, not '{options.Provider}'."]),
    };
}
