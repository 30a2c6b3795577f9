using System.Data.Common;
using Tollgate.Runtime.Reminders;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// Grain state and reminders over ADO.NET, shared by the SQLite and PostgreSQL providers. A
/// provider supplies connections, its parameter syntax and its schema; the statements are the same.
/// Times are stored as Unix milliseconds so both databases compare them exactly.
/// </summary>
internal abstract class SqlStorage : IStorageProvider, IGrainStorage, IReminderTable, IJournalReader
{
    private readonly Lazy<WriteBatcher> _writer;
    private readonly string _readState, _deleteExpiredEntries;
    private readonly string _upsertReminder, _deleteReminder, _readReminders, _readDueReminders, _advanceReminder;
    /// <summary>
    /// Statements with positional parameters: insert (1-5), update (1-6), journal row (1-5); for a
    /// state's entries (state key 1-3): a removal (entry key 4) and the removal of all (no more).
    /// Each provider stores entries its own way.
    /// </summary>
    protected string InsertStateSql { get; }
    protected string UpdateStateSql { get; }
    protected string InsertJournalSql { get; }
    protected string DeleteEntrySql { get; }
    protected string ClearEntriesSql { get; }
    /// <summary>A state's entries (state key 1-3); each provider adds its condition on the entry keys.</summary>
    protected string ReadEntriesSql { get; }
    private readonly string[] _migrations;

    /// <param name="blockingCommits">The provider's I/O is synchronous: see <see cref="WriteBatcher"/>.</param>
    protected SqlStorage(StorageOptions options, int writeConcurrency, bool blockingCommits)
    {
        _writer = new Lazy<WriteBatcher>(() => new WriteBatcher(CommitAsync, writeConcurrency, options.MaxWriteBatch, blockingCommits, Name));
        string P(int i) => Parameter(i);
        const string stateKey = "grain_type = {0} AND grain_key = {1} AND state_name = {2}";
        const string reminderKey = "grain_type = {0} AND grain_key = {1} AND reminder_name = {2}";
        _readState = $"SELECT payload, version FROM grain_state WHERE {string.Format(stateKey, P(1), P(2), P(3))}";
        InsertStateSql = $"INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at) VALUES ({P(1)}, {P(2)}, {P(3)}, {P(4)}, 1, {P(5)}) ON CONFLICT DO NOTHING";
        UpdateStateSql = $"UPDATE grain_state SET payload = {P(4)}, version = version + 1, modified_at = {P(5)} WHERE {string.Format(stateKey, P(1), P(2), P(3))} AND version = {P(6)}";
        DeleteEntrySql = $"DELETE FROM grain_entries WHERE {string.Format(stateKey, P(1), P(2), P(3))} AND entry_key = {P(4)}";
        // On the expiry index alone: an index that began with the state's key would compete with the
        // primary key for lookups, and PostgreSQL's plan made on an empty table picked it, scanning all
        // of a busy counter's answers for each one. A range with both bounds, where "<= $1" alone
        // let that plan scan the whole table every ten seconds (17 ms per 200,000 answers).
        _deleteExpiredEntries = $"""
            DELETE FROM grain_entries WHERE (grain_type, grain_key, state_name, entry_key) IN (
                SELECT grain_type, grain_key, state_name, entry_key FROM grain_entries
                WHERE expires_at BETWEEN 0 AND {P(1)} ORDER BY expires_at LIMIT {IGrainStorage.MaxExpiredRemoved})
            """;
        ClearEntriesSql = $"DELETE FROM grain_entries WHERE {string.Format(stateKey, P(1), P(2), P(3))}";
        ReadEntriesSql = $"SELECT entry_key, payload FROM grain_entries WHERE {string.Format(stateKey, P(1), P(2), P(3))}";
        _upsertReminder = $"""
            INSERT INTO reminders (grain_type, grain_key, reminder_name, start_at, period_ms, next_due, version)
            VALUES ({P(1)}, {P(2)}, {P(3)}, {P(4)}, {P(5)}, {P(4)}, 1)
            ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
              SET start_at = excluded.start_at, period_ms = excluded.period_ms, next_due = excluded.next_due, version = reminders.version + 1
            RETURNING version
            """;
        _deleteReminder = $"DELETE FROM reminders WHERE {string.Format(reminderKey, P(1), P(2), P(3))}";
        const string reminderColumns = "grain_type, grain_key, reminder_name, start_at, period_ms, next_due, version";
        _readReminders = $"SELECT {reminderColumns} FROM reminders WHERE grain_type = {P(1)} AND grain_key = {P(2)} ORDER BY reminder_name";
        _readDueReminders = $"SELECT {reminderColumns} FROM reminders WHERE next_due <= {P(1)} ORDER BY next_due LIMIT {P(2)}";
        InsertJournalSql = $"INSERT INTO journal (stream, scope, name, at, payload) VALUES ({P(1)}, {P(2)}, {P(3)}, {P(4)}, {P(5)})";
        _migrations = Migrations.Select(m => m.Replace("{identity}", IdentityColumn).Replace("{clustered}", ClusteredTableOption)
            .Replace("{drop journal key}", DropJournalKeySql)).ToArray();
        _advanceReminder = $"UPDATE reminders SET next_due = {P(4)}, version = version + 1 WHERE {string.Format(reminderKey, P(1), P(2), P(3))} AND version = {P(5)}";
    }

    public abstract string Name { get; }
    public IGrainStorage GrainStorage => this;
    public IReminderTable Reminders => this;
    public IJournalReader Journal => this;

    /// <summary>The column definition of an auto-increasing bigint primary key.</summary>
    protected abstract string IdentityColumn { get; }

    /// <summary>What follows a table's definition to keep its rows in primary-key order, where the database can.</summary>
    protected virtual string ClusteredTableOption => "";

    /// <summary>
    /// Removes the journal's index on the sequence alone, where it is separate from the table. No query
    /// looks records up by sequence alone (the stream indexes end with it), yet with it PostgreSQL's
    /// generic plan for "a stream and scope, newest first" walked the whole journal backwards on it,
    /// betting on early matches; and every record paid to keep it.
    /// </summary>
    protected virtual string DropJournalKeySql => "";

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The placeholder of the i-th (1-based) positional parameter.</summary>
    protected abstract string Parameter(int index);

    /// <summary>
    /// Schema migrations in order; each runs once, in one transaction, recorded in tollgate_schema.
    /// Written in the SQL both databases share (SQLite gives bigint columns integer affinity).
    /// </summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE grain_state (
            grain_type text NOT NULL, grain_key text NOT NULL, state_name text NOT NULL,
            version bigint NOT NULL, payload text NULL, modified_at bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name));
        CREATE TABLE reminders (
            grain_type text NOT NULL, grain_key text NOT NULL, reminder_name text NOT NULL,
            start_at bigint NOT NULL, period_ms bigint NOT NULL, next_due bigint NOT NULL, version bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, reminder_name));
        CREATE INDEX reminders_next_due ON reminders (next_due);
        """,
        """
        CREATE TABLE journal (
            seq {identity}, stream text NOT NULL, scope text NOT NULL, name text NOT NULL,
            at bigint NOT NULL, payload text NOT NULL);
        CREATE INDEX journal_stream_seq ON journal (stream, seq);
        CREATE INDEX journal_stream_scope_seq ON journal (stream, scope, seq);
        """,
        """
        CREATE TABLE grain_entries (
            grain_type text NOT NULL, grain_key text NOT NULL, state_name text NOT NULL, entry_key text NOT NULL,
            payload text NOT NULL, expires_at bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name, entry_key)){clustered};
        CREATE INDEX grain_entries_expiry ON grain_entries (expires_at);
        """,
        "{drop journal key}",
    ];

    /// <summary>Begins the migration transaction, holding whatever lock keeps two silos from migrating at once.</summary>
    protected abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginMigrationAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS tollgate_schema (version integer PRIMARY KEY, applied_at text NOT NULL)", cancellationToken);
        var applied = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM tollgate_schema", cancellationToken));
        for (var version = applied + 1; version <= _migrations.Length; version++)
        {
            if (_migrations[version - 1].Length > 0) // a step some databases do not need still takes its number
                await ExecuteAsync(connection, transaction, _migrations[version - 1], cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO tollgate_schema (version, applied_at) VALUES ({version}, '{DateTimeOffset.UtcNow:O}')", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await ScalarAsync(connection, null, "SELECT 1", cancellationToken);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_writer.IsValueCreated) await _writer.Value.DisposeAsync();
    }

    // ---- grain state ----

    public async Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, _readState, key.GrainType, key.GrainKey, key.StateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredGrainState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
    }

    public Task<long> WriteAsync(GrainStateKey key, string? payload, long expectedVersion, IReadOnlyList<JournalRecord> records,
        IReadOnlyList<StateEntry> entries, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new PendingWrite(key, payload, expectedVersion, records, entries));

    /// <summary>Hands the operation to the next batch transaction.</summary>
    protected Task<long> EnqueueAsync(PendingOperation operation) => _writer.Value.EnqueueAsync(operation);

    /// <summary>
    /// Runs a statement that changes rows beside grain state (a reminder change, the sweep of
    /// expired entries): here in a transaction of its own, where it takes only the rows it changes.
    /// A database with a single writer hands it to the batch writer instead.
    /// </summary>
    protected virtual async Task<long> ExecuteWriteAsync(PendingStatement statement, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ExecuteAsync(statement, connection, null, cancellationToken);
    }

    protected async Task<long> ExecuteAsync(PendingStatement statement, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, statement.Sql, statement.Arguments);
        return statement.ReturnsScalar
            ? Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken))
            : await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default) =>
        (int)await ExecuteWriteAsync(new PendingStatement(_deleteExpiredEntries, [by.ToUnixTimeMilliseconds()], returnsScalar: false), cancellationToken);

    /// <summary>Each provider reads entries its own way: the planners differ in what they get right.</summary>
    public abstract Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(GrainStateKey key, IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits one batch in one transaction, setting <see cref="PendingWrite.Applied"/> on each
    /// write (and <see cref="PendingStatement.Result"/> on each statement, where the provider hands
    /// statements to the batch). A version mismatch changes no row, so it fails only its own write;
    /// journal records go in only with the writes that applied.
    /// </summary>
    protected abstract Task CommitAsync(IReadOnlyList<PendingOperation> batch);

    protected static object?[] WriteArguments(PendingWrite write, long modifiedAt) => write.ExpectedVersion == 0
        ? [write.Key.GrainType, write.Key.GrainKey, write.Key.StateName, write.Payload, modifiedAt]
        : [write.Key.GrainType, write.Key.GrainKey, write.Key.StateName, write.Payload, modifiedAt, write.ExpectedVersion];

    // ---- reminders ----

    public async Task<ReminderEntry> UpsertAsync(GrainId grain, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default)
    {
        var version = await ExecuteWriteAsync(new PendingStatement(_upsertReminder,
            [grain.Type, grain.Key, name, startAt.ToUnixTimeMilliseconds(), (long)period.TotalMilliseconds], returnsScalar: true), cancellationToken);
        return new ReminderEntry(grain, name, TruncateToMs(startAt), period, TruncateToMs(startAt), version);
    }

    public async Task<bool> RemoveAsync(GrainId grain, string name, CancellationToken cancellationToken = default) =>
        await ExecuteWriteAsync(new PendingStatement(_deleteReminder, [grain.Type, grain.Key, name], returnsScalar: false), cancellationToken) > 0;

    public async Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grain, CancellationToken cancellationToken = default) =>
        await ReadRemindersAsync(_readReminders, cancellationToken, grain.Type, grain.Key);

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        await ReadRemindersAsync(_readDueReminders, cancellationToken, now.ToUnixTimeMilliseconds(), (long)limit);

    public async Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, CancellationToken cancellationToken = default) =>
        await ExecuteWriteAsync(new PendingStatement(_advanceReminder,
            [entry.Grain.Type, entry.Grain.Key, entry.Name, nextDue.ToUnixTimeMilliseconds(), entry.Version], returnsScalar: false), cancellationToken) == 1;

    private async Task<List<ReminderEntry>> ReadRemindersAsync(string sql, CancellationToken cancellationToken, params object?[] arguments)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql, arguments);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)), reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetInt64(6)));
        return entries;
    }

    // ---- journal ----

    // Sequence numbers come from the database at insert; transactions committing concurrently may
    // become visible slightly out of sequence order, which a newest-first audit listing tolerates.
    public async Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default)
    {
        var conditions = new List<string>();
        var arguments = new List<object?>();
        void Where(string column, string comparison, object value)
        {
            arguments.Add(value);
            conditions.Add($"{column} {comparison} {Parameter(arguments.Count)}");
        }
        Where("stream", "=", query.Stream);
        if (query.Scope is not null) Where("scope", "=", query.Scope);
        if (query.Name is not null) Where("name", "=", query.Name);
        if (query.From is { } from) Where("at", ">=", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Where("at", "<", to.ToUnixTimeMilliseconds());
        if (query.Before is { } before) Where("seq", "<", before);
        if (query.After is { } after) Where("seq", ">", after);
        arguments.Add((long)query.Limit);
        var sql = $"SELECT seq, stream, scope, name, at, payload FROM journal WHERE {string.Join(" AND ", conditions)} ORDER BY seq {(query.OldestFirst ? "ASC" : "DESC")} LIMIT {Parameter(arguments.Count)}";

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql, [.. arguments]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<StoredJournalRecord>();
        while (await reader.ReadAsync(cancellationToken))
            records.Add(new StoredJournalRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5)));
        return records;
    }

    private static DateTimeOffset TruncateToMs(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    // ---- ADO.NET helpers ----

    protected DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object?[] arguments)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        for (var i = 0; i < arguments.Length; i++) command.Parameters.Add(NewParameter(command.CreateParameter(), i + 1, arguments[i]));
        return command;
    }

    /// <summary>Fills a parameter for the i-th placeholder; PostgreSQL binds by position, SQLite by name.</summary>
    protected abstract DbParameter NewParameter(DbParameter parameter, int index, object? value);

    private async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
