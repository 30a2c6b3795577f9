using System.Text.Json;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

/// <summary>The journal records of one counter: its usage records and its day totals.</summary>
public static class UsageJournal
{
    public static JournalRecord Record(
        string tenantId, string quotaType, DateTimeOffset now, string kind, long amount, AuditActor actor, string? idempotencyKey) =>
        new(Usage.Stream, tenantId, quotaType, now, JsonSerializer.Serialize(
            new UsageRecord(now, kind, quotaType, amount, new AuditEntryActor(actor.Type, actor.Id), idempotencyKey),
            UsageJson.Default.UsageRecord));

    public static JournalRecord Day(string tenantId, string quotaType, UsageDayRecord record) =>
        new(Usage.DaysStream, tenantId, quotaType, Usage.Start(record.Day),
            JsonSerializer.Serialize(record, UsageJson.Default.UsageDayRecord));
}
