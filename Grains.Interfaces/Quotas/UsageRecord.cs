using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

/// <summary>A usage record as stored in the journal's "usage" stream: the contract the usage log is read by.</summary>
public sealed record UsageRecord(DateTimeOffset At, string Kind, string QuotaType, long Amount, AuditEntryActor Actor, string? IdempotencyKey);
