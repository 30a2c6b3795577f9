using System.Diagnostics.Metrics;

namespace Tollgate.Api.Telemetry;

/// <summary>
/// How consume calls end, from the <see cref="MeterName"/> meter: the rate of 402s against
/// allowed consumes is what a product owner watches, and a burst of <c>invalid</c> or
/// <c>unknown_quota_type</c> usually means an app was deployed with a wrong quota name.
/// </summary>
public static class QuotaMetrics
{
    public const string MeterName = "Tollgate.Quotas";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Consumes = Meter.CreateCounter<long>(
        "tollgate.quota.consumes", unit: "{consume}", description: "Consume calls, by how they ended.");

    public static class Outcome
    {
        public const string Allowed = "allowed";
        public const string Exceeded = "exceeded";
        /// <summary>An earlier answer returned again for the same idempotency key; nothing was deducted this time.</summary>
        public const string Replayed = "replayed";
        public const string UnknownQuotaType = "unknown_quota_type";
        /// <summary>Refused before reaching a counter: bad input, or a tenant or scope the caller may not use.</summary>
        public const string Invalid = "invalid";
        public const string Refused = "refused";
    }

    public static void Consumed(string outcome) => Consumes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
