namespace Tollgate.Storage.Schema;

/// <summary>
/// The grain state statements Orleans' ADO.NET storage (10.4.2) looks up in <c>OrleansQuery</c>,
/// for SQLite: a write or clear that loses a version race returns no row.
/// </summary>
internal static class SqliteQueries
{
    private const string StateKey = """
        ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdExtensionString IS @GrainIdExtensionString
        """;

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // Only one of the two statements can change a row: the update when a version is given, the insert when none is.
        ["WriteToStorageKey"] = $"""
            UPDATE OrleansStorage SET PayloadBinary = @PayloadBinary, ModifiedOn = datetime('now'), Version = Version + 1
            WHERE {StateKey} AND @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion;
            INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
                ServiceId, PayloadBinary, ModifiedOn, Version)
            SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
                @ServiceId, @PayloadBinary, datetime('now'), 1
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING Version AS NewGrainStateVersion;
            """,
        ["ReadFromStorageKey"] = $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {StateKey}",
        ["ClearStorageKey"] = $"""
            UPDATE OrleansStorage SET PayloadBinary = NULL, ModifiedOn = datetime('now'), Version = Version + 1
            WHERE {StateKey} AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion
            """,
        ["DeleteStorageKey"] = $"""
            DELETE FROM OrleansStorage WHERE {StateKey} AND Version = @GrainStateVersion
            RETURNING Version + 1 AS NewGrainStateVersion
            """,
    };
}
