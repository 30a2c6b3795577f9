using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Storage.Events;

namespace Tollgate.Grains.Events;

/// <summary>
/// Builds the event records grains write with the changes they describe. The payload is the event as
/// receivers get it: <c>{"id": "evt_…", "type", "createdAt", "tenantId", "data": {…}}</c>; the id is fixed
/// when the record is built, so a write carried again delivers the same event.
/// </summary>
public static class TenantEvents
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static JournalRecord Record(string tenantId, string type, DateTimeOffset at, object data)
    {
        var id = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var payload = JsonSerializer.Serialize(new { id, type, createdAt = at, tenantId, data }, s_json);
        return new JournalRecord(TenantEventRecords.Stream, tenantId, type, at, payload);
    }
}
