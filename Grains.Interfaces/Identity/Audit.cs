using System.Text.Json;
using Tollgate.Runtime;

namespace Tollgate.Grains.Identity;

/// <summary>Who made a change and from where: passed into every mutating grain call.</summary>
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

public sealed record AuditEntryActor(string Type, string Id);

public static class Audit
{
    public const string Stream = "audit";

    /// <summary>Scope of entries that belong to no tenant (a user's own profile, operator actions).</summary>
    public const string PlatformScope = "";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Builds the journal record a grain writes together with the change it describes.</summary>
    public static JournalRecord Record(
        AuditActor actor, DateTimeOffset at, string? tenantId, string action, string resourceType, string resourceId,
        object? before = null, object? after = null)
    {
        var entry = new AuditEntry(at, tenantId, new AuditEntryActor(actor.Type, actor.Id), action, resourceType, resourceId,
            before, after, actor.Ip, actor.UserAgent);
        return new JournalRecord(Stream, tenantId ?? PlatformScope, action, at, JsonSerializer.Serialize(entry, s_json));
    }
}
