using System.Data.Common;
using Tollgate.Storage.Events;

namespace Tollgate.Storage.Webhooks;

/// <summary>
/// Outbound webhooks' tables. A grain writes an event as a journal record of <see cref="EventStream"/> with the change
/// it describes; the journal stores it (the event log) and, in the same transaction, a row of <c>event_outbox</c>. A
/// dispatcher on any silo claims new events for a lease and fans each out into one delivery per subscribed endpoint
/// (unique per event and endpoint, so a fan-out run again adds none); deliveries are claimed the same way, one
/// attempt at a time, and every attempt is logged. Claims run on real time (<c>realNow</c>); schedules on Tollgate's
/// clock (<c>now</c>), which tests move.
/// </summary>
public sealed class WebhookStore
{
    private readonly SqlDatabase _database;

    internal WebhookStore(SqlDatabase database) => _database = database;

    /// <summary>The journal stream whose records are tenants' events.</summary>
    public const string EventStream = TenantEventRecords.Stream;

    private const string InsertEventSql = """
        INSERT INTO event_outbox (grain_id, grain_seq, tenant_id, at, payload) VALUES (@p1, @p2, @p3, @p4, @p5)
        ON CONFLICT (grain_id, grain_seq) DO NOTHING
        """;

    /// <summary>The statement that queues a record of <see cref="EventStream"/> for fan-out (beside its journal row).</summary>
    internal static Statement InsertEvent(string grainId, SequencedRecord sequenced) =>
        new(InsertEventSql, [grainId, sequenced.Sequence, sequenced.Record.Scope, sequenced.Record.At.ToUnixTimeMilliseconds(),
            sequenced.Record.Payload]);

    // Both databases: a row changes only if it is still unclaimed when the update reaches it, so two silos never hold one at once.
    private const string ClaimEventsSql = """
        UPDATE event_outbox SET claimed_until = @p1
        WHERE (grain_id, grain_seq) IN (
            SELECT grain_id, grain_seq FROM event_outbox WHERE fanned_out_at IS NULL AND claimed_until <= @p2 ORDER BY at LIMIT @p3)
        AND fanned_out_at IS NULL AND claimed_until <= @p2
        RETURNING grain_id, grain_seq, tenant_id, at, payload
        """;

    private const string InsertDeliverySql = """
        INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, created_at, status, next_attempt_at)
        VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, 'pending', @p7)
        ON CONFLICT (event_id, endpoint_id) DO NOTHING
        """;

    private const string DeliveryColumns = "id, tenant_id, endpoint_id, event_id, event_type, payload, status, attempts, first_attempt_at";

    private const string ClaimDueSql = $"""
        UPDATE webhook_deliveries SET claimed_until = @p1
        WHERE seq IN (
            SELECT seq FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @p2 AND claimed_until <= @p3
            ORDER BY next_attempt_at LIMIT @p4)
        AND status = 'pending' AND claimed_until <= @p3
        RETURNING {DeliveryColumns}
        """;

    /// <summary>Claims up to <paramref name="limit"/> events not yet fanned out, until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<OutboxEvent>> ClaimEventsAsync(DateTimeOffset realNow, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, ClaimEventsSql,
            leaseUntil.ToUnixTimeMilliseconds(), realNow.ToUnixTimeMilliseconds(), (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<OutboxEvent>();
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new OutboxEvent(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.IsDBNull(4) ? "" : reader.GetString(4)));
        return claimed;
    }

    /// <summary>
    /// In one transaction: the event's deliveries (those already made for it are kept as they are) and the event marked
    /// fanned out, its payload dropped (each delivery carries it).
    /// </summary>
    public async Task FanOutAsync(OutboxEvent outboxEvent, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var at = now.ToUnixTimeMilliseconds();
        var statements = deliveries
            .Select(d => new Statement(InsertDeliverySql, [d.Id, outboxEvent.TenantId, d.EndpointId, d.EventId, d.EventType,
                outboxEvent.Payload, at]))
            .Append(new Statement(
                "UPDATE event_outbox SET fanned_out_at = @p3, payload = NULL, claimed_until = 0 WHERE grain_id = @p1 AND grain_seq = @p2",
                [outboxEvent.GrainId, outboxEvent.GrainSeq, at]))
            .ToList();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SqlDatabase.ExecuteAsync(connection, transaction, statements);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending deliveries due by <paramref name="now"/>, until <paramref name="leaseUntil"/>.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset realNow, DateTimeOffset leaseUntil,
        int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, ClaimDueSql,
            leaseUntil.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), realNow.ToUnixTimeMilliseconds(), (long)limit);
        return await ReadClaimedAsync(command, cancellationToken);
    }

    /// <summary>
    /// Claims the endpoint's delivery for a redelivery, whatever its status; null when it does not exist. <paramref name="busy"/>
    /// says it exists but another attempt holds it right now.
    /// </summary>
    public async Task<(ClaimedDelivery? Claimed, bool Busy)> ClaimForRedeliveryAsync(string tenantId, string endpointId, string deliveryId,
        DateTimeOffset realNow, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using (var command = SqlDatabase.Command(connection, null, $"""
            UPDATE webhook_deliveries SET claimed_until = @p4
            WHERE id = @p1 AND tenant_id = @p2 AND endpoint_id = @p3 AND claimed_until <= @p5
            RETURNING {DeliveryColumns}
            """, deliveryId, tenantId, endpointId, leaseUntil.ToUnixTimeMilliseconds(), realNow.ToUnixTimeMilliseconds()))
        {
            if ((await ReadClaimedAsync(command, cancellationToken)) is [var claimed]) return (claimed, false);
        }
        await using var exists = SqlDatabase.Command(connection, null,
            "SELECT count(*) FROM webhook_deliveries WHERE id = @p1 AND tenant_id = @p2 AND endpoint_id = @p3", deliveryId,
                tenantId, endpointId);
        return (null, Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0);
    }

    private static async Task<IReadOnlyList<ClaimedDelivery>> ReadClaimedAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ClaimedDelivery>();
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new ClaimedDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7), Time(reader, 8)));
        return claimed;
    }

    /// <summary>
    /// Logs a scheduled attempt and releases the delivery: delivered, due again at <paramref name="retryAt"/>, or (failed with
    /// no retry left) given up.
    /// </summary>
    public Task RecordAttemptAsync(ClaimedDelivery delivery, WebhookAttempt attempt, DateTimeOffset? retryAt,
        CancellationToken cancellationToken)
    {
        var (status, next) = attempt.Succeeded ? (WebhookDeliveryStatus.Succeeded, (DateTimeOffset?)null)
            : retryAt is { } at ? (WebhookDeliveryStatus.Pending, at)
            : (WebhookDeliveryStatus.Failed, null);
        return WriteAttemptAsync(delivery, attempt, new Statement("""
            UPDATE webhook_deliveries SET status = @p2, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @p3),
                next_attempt_at = CAST(@p4 AS bigint), completed_at = CAST(@p5 AS bigint), claimed_until = 0
            WHERE id = @p1
            """, [delivery.Id, status, attempt.At.ToUnixTimeMilliseconds(), next?.ToUnixTimeMilliseconds(),
                status == WebhookDeliveryStatus.Pending ? null : attempt.At.ToUnixTimeMilliseconds()]), cancellationToken);
    }

    /// <summary>
    /// Logs a redelivery and releases the delivery: one that succeeded is delivered; one that failed keeps its status and
    /// schedule (a redelivery does not restart the retries).
    /// </summary>
    public Task RecordRedeliveryAsync(ClaimedDelivery delivery, WebhookAttempt attempt, CancellationToken cancellationToken) =>
        WriteAttemptAsync(delivery, attempt, attempt.Succeeded
            ? new Statement("""
                UPDATE webhook_deliveries SET status = 'succeeded', next_attempt_at = NULL, completed_at = @p2,
                    claimed_until = 0 WHERE id = @p1
                """, [delivery.Id, attempt.At.ToUnixTimeMilliseconds()])
            : new Statement("UPDATE webhook_deliveries SET claimed_until = 0 WHERE id = @p1", [delivery.Id]), cancellationToken);

    private async Task WriteAttemptAsync(ClaimedDelivery delivery, WebhookAttempt attempt, Statement update,
        CancellationToken cancellationToken)
    {
        var log = new Statement("""
            INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms, manual)
            VALUES (@p1, @p2, CAST(@p3 AS integer), @p4, @p5, @p6)
            """, [delivery.Id, attempt.At.ToUnixTimeMilliseconds(), attempt.StatusCode, attempt.Error, attempt.DurationMs, attempt.Manual]);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SqlDatabase.ExecuteAsync(connection, transaction, [log, update]);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The delivery will not be attempted: its endpoint is disabled or gone.</summary>
    public Task CancelAsync(ClaimedDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE webhook_deliveries SET status = 'canceled', next_attempt_at = NULL, completed_at = @p2, claimed_until = 0 WHERE id = @p1",
        cancellationToken, delivery.Id, now.ToUnixTimeMilliseconds());

    /// <summary>Gives a claimed delivery back unattempted (the silo is stopping), for any silo to take at once.</summary>
    public Task ReleaseAsync(ClaimedDelivery delivery, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE webhook_deliveries SET claimed_until = 0 WHERE id = @p1", cancellationToken, delivery.Id);

    /// <summary>The endpoint's deliveries, newest first, from before <paramref name="before"/> (a sequence), each with its
    /// attempts.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> ListAsync(string tenantId, string endpointId, long? before, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = new List<StoredDelivery>();
        await using (var command = SqlDatabase.Command(connection, null, $"""
            SELECT seq, id, endpoint_id, event_id, event_type, status, created_at, attempts, first_attempt_at, next_attempt_at, completed_at
            FROM webhook_deliveries WHERE tenant_id = @p1 AND endpoint_id = @p2 AND seq < @p3 ORDER BY seq DESC LIMIT @p4
            """, tenantId, endpointId, before ?? long.MaxValue, (long)limit))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(new StoredDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), reader.GetInt32(7), Time(reader, 8),
                    Time(reader, 9), Time(reader, 10), []));
        }
        if (rows.Count == 0) return rows;
        var ids = rows.Select(r => (object?)r.Id).ToArray();
        var placeholders = string.Join(", ", ids.Select((_, i) => $"@p{i + 1}"));
        var log = rows.ToDictionary(r => r.Id, _ => new List<WebhookAttempt>());
        await using (var command = SqlDatabase.Command(connection, null, $"""
            SELECT delivery_id, at, status_code, error, duration_ms, manual
            FROM webhook_attempts WHERE delivery_id IN ({placeholders}) ORDER BY seq
            """, ids))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                log[reader.GetString(0)].Add(new WebhookAttempt(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4),
                    reader.GetBoolean(5)));
        }
        return rows.Select(r => r with { Log = log[r.Id] }).ToList();
    }

    /// <summary>One delivery of the endpoint, with its attempts; null when the endpoint has none by that id.</summary>
    public async Task<StoredDelivery?> GetAsync(string tenantId, string endpointId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null,
            "SELECT seq FROM webhook_deliveries WHERE id = @p1 AND tenant_id = @p2 AND endpoint_id = @p3", deliveryId, tenantId,
                endpointId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not { } seq || seq is DBNull) return null;
        var page = await ListAsync(tenantId, endpointId, Convert.ToInt64(seq) + 1, 1, cancellationToken);
        return page is [var delivery] && delivery.Id == deliveryId ? delivery : null;
    }

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] arguments)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, sql, arguments);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
