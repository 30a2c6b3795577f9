namespace Tollgate.Grains.Quotas;

[GenerateSerializer, Immutable, Alias("tollgate.QuotaStatus")]
public sealed record QuotaStatus(string QuotaType, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);
