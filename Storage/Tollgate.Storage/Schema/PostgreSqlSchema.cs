namespace Tollgate.Storage.Schema;

/// <summary>
/// Tollgate's PostgreSQL schema: the tables Orleans' ADO.NET providers read and write (their
/// statements are in <see cref="PostgreSqlQueries"/>) and Tollgate's own journal tables.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>Migrations in order; each runs once, in the migration transaction.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE OrleansQuery (QueryKey varchar(64) PRIMARY KEY, QueryText text NOT NULL);

        CREATE TABLE OrleansStorage (
            GrainIdHash integer NOT NULL, GrainIdN0 bigint NOT NULL, GrainIdN1 bigint NOT NULL,
            GrainTypeHash integer NOT NULL, GrainTypeString varchar(512) NOT NULL, GrainIdExtensionString varchar(512) NULL,
            ServiceId varchar(150) NOT NULL, PayloadBinary bytea NULL, ModifiedOn timestamp NOT NULL, Version integer NULL);
        -- One row per grain state: two silos racing to create it cannot both succeed.
        CREATE UNIQUE INDEX orleans_storage_key ON OrleansStorage
            (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, (coalesce(GrainIdExtensionString, '')));
        CREATE INDEX orleans_storage_hash ON OrleansStorage (GrainIdHash, GrainTypeHash);

        CREATE TABLE OrleansMembershipVersionTable (
            DeploymentId varchar(150) PRIMARY KEY, Timestamp timestamptz(3) NOT NULL DEFAULT now(), Version integer NOT NULL DEFAULT 0);
        CREATE TABLE OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address varchar(45) NOT NULL, Port integer NOT NULL, Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL, HostName varchar(150) NOT NULL, Status integer NOT NULL, ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL, StartTime timestamptz(3) NOT NULL, IAmAliveTime timestamptz(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation));

        CREATE TABLE OrleansRemindersTable (
            ServiceId varchar(150) NOT NULL, GrainId varchar(150) NOT NULL, ReminderName varchar(150) NOT NULL,
            StartTime timestamptz(3) NOT NULL, Period bigint NOT NULL, GrainHash integer NOT NULL, Version integer NOT NULL,
            PRIMARY KEY (ServiceId, GrainId, ReminderName));
        CREATE INDEX orleans_reminders_hash ON OrleansRemindersTable (ServiceId, GrainHash);

        CREATE TABLE journal (
            seq bigint GENERATED ALWAYS AS IDENTITY, grain_id text NOT NULL, grain_seq bigint NOT NULL,
            stream text NOT NULL, scope text NOT NULL, name text NOT NULL, at bigint NOT NULL, payload text NOT NULL,
            UNIQUE (grain_id, grain_seq));
        CREATE INDEX journal_stream_seq ON journal (stream, seq);
        CREATE INDEX journal_stream_scope_seq ON journal (stream, scope, seq);

        CREATE TABLE grain_entries (
            grain_id text NOT NULL, entry_key text NOT NULL, payload text NOT NULL, expires_at bigint NOT NULL,
            PRIMARY KEY (grain_id, entry_key));
        CREATE INDEX grain_entries_expiry ON grain_entries (expires_at);

        CREATE TABLE journal_pending (grain_id text PRIMARY KEY, marked_at bigint NOT NULL);
        """,
        // GroupCommitGrainStorage's states; a null payload is a cleared state, its etag kept for the next write's check.
        """
        CREATE TABLE grain_state (
            grain_id text NOT NULL, state_name text NOT NULL, payload text NULL, etag bigint NOT NULL,
            PRIMARY KEY (grain_id, state_name));
        """,
        // Emails to send: journal records of the stream "email" land here (EmailOutbox), for the silos' senders to claim.
        """
        CREATE TABLE email_outbox (
            grain_id text NOT NULL, grain_seq bigint NOT NULL, at bigint NOT NULL, payload text NULL,
            attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL, claimed_until bigint NOT NULL DEFAULT 0,
            done_at bigint NULL, outcome text NULL,
            PRIMARY KEY (grain_id, grain_seq));
        CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE done_at IS NULL;
        """,
        // Grains' records commit with their state now (GroupCommitGrainStorage): nothing marks a grain pending any more.
        "DROP TABLE IF EXISTS journal_pending;",
        // Webhooks: journal records of the stream "events" are copied here too (WebhookStore), for the silos' dispatchers
        // to fan out into one delivery per subscribed endpoint; every attempt at a delivery is logged.
        """
        CREATE TABLE IF NOT EXISTS event_outbox (
            grain_id text NOT NULL, grain_seq bigint NOT NULL, tenant_id text NOT NULL, at bigint NOT NULL, payload text NULL,
            claimed_until bigint NOT NULL DEFAULT 0, fanned_out_at bigint NULL,
            PRIMARY KEY (grain_id, grain_seq));
        CREATE INDEX IF NOT EXISTS event_outbox_due ON event_outbox (at) WHERE fanned_out_at IS NULL;
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL UNIQUE, tenant_id text NOT NULL,
                endpoint_id text NOT NULL,
            event_id text NOT NULL, event_type text NOT NULL, payload text NOT NULL, created_at bigint NOT NULL,
            status text NOT NULL, attempts integer NOT NULL DEFAULT 0, first_attempt_at bigint NULL, next_attempt_at bigint NULL,
            claimed_until bigint NOT NULL DEFAULT 0, completed_at bigint NULL,
            UNIQUE (event_id, endpoint_id));
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, seq);
        CREATE TABLE IF NOT EXISTS webhook_attempts (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, delivery_id text NOT NULL, at bigint NOT NULL, status_code integer NULL,
            error text NULL, duration_ms bigint NOT NULL, manual boolean NOT NULL);
        CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);
        """,
    ];
}
