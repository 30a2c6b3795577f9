namespace Tollgate.Grains.Identity;

/// <summary>One audit entry as stored in the journal's "audit" stream (its id is the journal sequence).</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string? TenantId, AuditEntryActor Actor, string Action, string ResourceType, string ResourceId,
    object? Before, object? After, string? Ip, string? UserAgent);
