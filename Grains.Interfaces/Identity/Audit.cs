
namespace Tollgate.Grains.Identity;

/// <summary>Who made a change and from where: passed into every mutating grain call.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AuditActor")]
public sealed record AuditActor(string Type, string Id, string? Ip, string? UserAgent)
{
    public static AuditActor User(string userId, string? ip, string? userAgent) => new("user", userId, ip, userAgent);
    public static AuditActor ApiKey(string keyId, string? ip, string? userAgent) => new("apiKey", keyId, ip, userAgent);
    public static readonly AuditActor System = new("system", "tollgate", null, null);
}

/// <summary>One audit entry as stored in the journal's "audit" stream (its id is the journal sequence).</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string? TenantId, AuditEntryActor Actor, string Action, string ResourceType, string ResourceId,
    object? Before, object? After, string? Ip, string? UserAgent);

[GenerateSerializer, Immutable, Alias("tollgate.AuditEntryActor")]
public sealed record AuditEntryActor(string Type, string Id);

public static class Audit
{
    public const string Stream = "audit";

    /// <summary>Scope of entries that belong to no tenant (a user's own profile, operator actions).</summary>
    public const string PlatformScope = "";
}
