using System.Text.Json;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Journal;

/// <summary>Builds the audit records grains write with the changes they describe.</summary>
public static class AuditJournal
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static JournalRecord Record(
        AuditActor actor, DateTimeOffset at, string? tenantId, string action, string resourceType, string resourceId,
        object? before = null, object? after = null)
    {
        var entry = new AuditEntry(at, tenantId, new AuditEntryActor(actor.Type, actor.Id), action, resourceType, resourceId,
            before, after, actor.Ip, actor.UserAgent);
        return new JournalRecord(Audit.Stream, tenantId ?? Audit.PlatformScope, action, at, JsonSerializer.Serialize(entry, s_json));
    }
}
