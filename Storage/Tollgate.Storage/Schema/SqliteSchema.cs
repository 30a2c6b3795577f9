namespace Tollgate.Storage.Schema;

/// <summary>
/// Tollgate's SQLite schema: Orleans' grain state table (its statements are in
/// <see cref="SqliteQueries"/>), the reminder table of <see cref="Reminders.SqliteReminderTable"/>,
/// and Tollgate's own journal tables. One silo uses it: SQLite has no cluster membership.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Migrations in order; each runs once, in the migration transaction.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE OrleansQuery (QueryKey TEXT PRIMARY KEY, QueryText TEXT NOT NULL);

        CREATE TABLE OrleansStorage (
            GrainIdHash INTEGER NOT NULL, GrainIdN0 INTEGER NOT NULL, GrainIdN1 INTEGER NOT NULL,
            GrainTypeHash INTEGER NOT NULL, GrainTypeString TEXT NOT NULL, GrainIdExtensionString TEXT NULL,
            ServiceId TEXT NOT NULL, PayloadBinary BLOB NULL, ModifiedOn TEXT NOT NULL, Version INTEGER NULL);
        CREATE UNIQUE INDEX orleans_storage_key ON OrleansStorage
            (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, coalesce(GrainIdExtensionString, ''));

        CREATE TABLE reminders (
            service_id TEXT NOT NULL, grain_id TEXT NOT NULL, reminder_name TEXT NOT NULL,
            start_at INTEGER NOT NULL, period_ms INTEGER NOT NULL, grain_hash INTEGER NOT NULL, version INTEGER NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name));
        CREATE INDEX reminders_hash ON reminders (service_id, grain_hash);

        CREATE TABLE journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, grain_id TEXT NOT NULL, grain_seq INTEGER NOT NULL,
            stream TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL,
            UNIQUE (grain_id, grain_seq));
        CREATE INDEX journal_stream_seq ON journal (stream, seq);
        CREATE INDEX journal_stream_scope_seq ON journal (stream, scope, seq);

        CREATE TABLE grain_entries (
            grain_id TEXT NOT NULL, entry_key TEXT NOT NULL, payload TEXT NOT NULL, expires_at INTEGER NOT NULL,
            PRIMARY KEY (grain_id, entry_key)) WITHOUT ROWID;
        CREATE INDEX grain_entries_expiry ON grain_entries (expires_at);

        CREATE TABLE journal_pending (grain_id TEXT PRIMARY KEY, marked_at INTEGER NOT NULL) WITHOUT ROWID;
        """,
        // GroupCommitGrainStorage's states; a null payload is a cleared state, its etag kept for the next write's check.
        """
        CREATE TABLE grain_state (
            grain_id TEXT NOT NULL, state_name TEXT NOT NULL, payload TEXT NULL, etag INTEGER NOT NULL,
            PRIMARY KEY (grain_id, state_name)) WITHOUT ROWID;
        """,
        // Emails to send: journal records of the stream "email" land here (EmailOutbox), for the silo's sender to claim.
        """
        CREATE TABLE email_outbox (
            grain_id TEXT NOT NULL, grain_seq INTEGER NOT NULL, at INTEGER NOT NULL, payload TEXT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, claimed_until INTEGER NOT NULL DEFAULT 0,
            done_at INTEGER NULL, outcome TEXT NULL,
            PRIMARY KEY (grain_id, grain_seq)) WITHOUT ROWID;
        CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE done_at IS NULL;
        """,
        // Grains' records commit with their state now (GroupCommitGrainStorage): nothing marks a grain pending any more.
        "DROP TABLE IF EXISTS journal_pending;",
        // Webhooks: journal records of the stream "events" are copied here too (WebhookStore), for the silo's dispatcher
        // to fan out into one delivery per subscribed endpoint; every attempt at a delivery is logged.
        """
        CREATE TABLE IF NOT EXISTS event_outbox (
            grain_id TEXT NOT NULL, grain_seq INTEGER NOT NULL, tenant_id TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NULL,
            claimed_until INTEGER NOT NULL DEFAULT 0, fanned_out_at INTEGER NULL,
            PRIMARY KEY (grain_id, grain_seq)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS event_outbox_due ON event_outbox (at) WHERE fanned_out_at IS NULL;
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
            event_id TEXT NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, first_attempt_at INTEGER NULL, next_attempt_at INTEGER NULL,
            claimed_until INTEGER NOT NULL DEFAULT 0, completed_at INTEGER NULL,
            UNIQUE (event_id, endpoint_id));
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, seq);
        CREATE TABLE IF NOT EXISTS webhook_attempts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, at INTEGER NOT NULL, status_code INTEGER NULL,
            error TEXT NULL, duration_ms INTEGER NOT NULL, manual INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);
        """,
    ];
}
