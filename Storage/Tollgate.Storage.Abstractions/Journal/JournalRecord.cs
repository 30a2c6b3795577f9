namespace Tollgate.Storage;

/// <summary>
/// An append-only record (an audit entry, a usage record) of a change a grain made, queried across
/// grains. It is stored if and only if its change was committed.
/// </summary>
/// <param name="Stream">The kind of record, e.g. "audit".</param>
/// <param name="Scope">What the record belongs to, e.g. a tenant id; queries filter on it.</param>
/// <param name="Name">A short name to filter on, e.g. the audit action.</param>
/// <param name="At">When it happened.</param>
/// <param name="Payload">The record itself, as JSON.</param>
[GenerateSerializer, Immutable, Alias("tollgate.JournalRecord")]
public sealed record JournalRecord(string Stream, string Scope, string Name, DateTimeOffset At, string Payload);
