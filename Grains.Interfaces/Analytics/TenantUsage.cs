namespace Tollgate.Grains.Analytics;

/// <summary>A tenant's usage of one quota type in one month, as its counter last reported it: consumed less refunded is used.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.TenantUsage")]
public sealed record TenantUsage(string TenantId, long Consumed, long Refunded)
{
    public long Used => Consumed - Refunded;
}
