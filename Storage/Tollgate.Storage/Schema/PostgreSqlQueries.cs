namespace Tollgate.Storage.Schema;

/// <summary>
/// The statements Orleans' ADO.NET providers (10.4.2) look up by key in <c>OrleansQuery</c>, written
/// for Tollgate's tables. Parameter names, result columns and version semantics follow the
/// providers' contract: a write or clear that loses a version race returns no row.
/// </summary>
internal static class PostgreSqlQueries
{
    private const string StateKey = """
        ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
        """;

    private const string MemberKey = "DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation";

    private const string MemberColumns = """
        v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
        m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
        """;

    private const string ReminderColumns = "GrainId, ReminderName, StartTime, Period, Version";

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // Grain state.
        ["WriteToStorageKey"] = $"""
            WITH updated AS (
                UPDATE OrleansStorage SET PayloadBinary = @PayloadBinary, ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
                WHERE {StateKey} AND @GrainStateVersion::integer IS NOT NULL AND Version = @GrainStateVersion
                RETURNING Version),
            inserted AS (
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
                    ServiceId, PayloadBinary, ModifiedOn, Version)
                SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
                    @ServiceId, @PayloadBinary, now() AT TIME ZONE 'utc', 1
                WHERE @GrainStateVersion::integer IS NULL
                ON CONFLICT DO NOTHING
                RETURNING Version)
            SELECT Version AS NewGrainStateVersion FROM updated UNION ALL SELECT Version FROM inserted
            """,
        ["ReadFromStorageKey"] = $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {StateKey}",
        ["ClearStorageKey"] = $"""
            UPDATE OrleansStorage SET PayloadBinary = NULL, ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
            WHERE {StateKey} AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion
            """,
        ["DeleteStorageKey"] = $"""
            DELETE FROM OrleansStorage WHERE {StateKey} AND Version = @GrainStateVersion
            RETURNING Version + 1 AS NewGrainStateVersion
            """,

        // Cluster membership: every change to a member bumps the table version it read, or changes nothing.
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::integer FROM inserted
            """,
        ["InsertMembershipKey"] = """
            WITH expected AS (
                SELECT DeploymentId FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            inserted AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
                    StartTime, IAmAliveTime)
                SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                FROM expected
                ON CONFLICT DO NOTHING
                RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND EXISTS (SELECT 1 FROM inserted)
                RETURNING 1)
            SELECT count(*)::integer FROM bumped
            """,
        ["UpdateMembershipKey"] = $"""
            WITH expected AS (
                SELECT DeploymentId FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            updated AS (
                UPDATE OrleansMembershipTable SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                WHERE {MemberKey} AND EXISTS (SELECT 1 FROM expected)
                RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND EXISTS (SELECT 1 FROM updated)
                RETURNING 1)
            SELECT count(*)::integer FROM bumped
            """,
        ["UpdateIAmAlivetimeKey"] = $"UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime WHERE {MemberKey}",
        ["MembershipReadRowKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """,
        ["GatewaysQueryKey"] = """
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
            """,
        // Silos that stopped saying they are alive long ago, and are not active.
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3
            """,

        // Reminders.
        ["UpsertReminderRowKey"] = """
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
                SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
                    Version = OrleansRemindersTable.Version + 1
            RETURNING Version
            """,
        ["ReadReminderRowsKey"] = $"SELECT {ReminderColumns} FROM OrleansRemindersTable WHERE ServiceId = @ServiceId AND GrainId = @GrainId",
        ["ReadReminderRowKey"] = $"""
            SELECT {ReminderColumns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
            """,
        // A range of the hash ring: (begin, end] when it does not wrap, else (begin, max] and [min, end].
        ["ReadRangeRows1Key"] = $"""
            SELECT {ReminderColumns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash
            """,
        ["ReadRangeRows2Key"] = $"""
            SELECT {ReminderColumns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
            """,
        ["DeleteReminderRowKey"] = """
            WITH deleted AS (
                DELETE FROM OrleansRemindersTable
                WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
                RETURNING 1)
            SELECT count(*)::integer FROM deleted
            """,
        ["DeleteReminderRowsKey"] = "DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId",
    };
}
