using System.Globalization;
using Tollgate.Client;

namespace Tollgate.AspNetCore;

/// <summary>The endpoint deducts <see cref="Amount"/> of <see cref="QuotaType"/> (<c>{appId}/{key}</c>) per call.</summary>
public sealed class RequireQuotaAttribute : TollgateGuardAttribute
{
    public RequireQuotaAttribute(string quotaType, long amount = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(quotaType);
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        QuotaType = quotaType;
        Amount = amount;
    }

    public string QuotaType { get; }
    public long Amount { get; }
    public override string Name => QuotaType;

    internal override async Task<Deduction> DeductAsync(TollgateClient client, string tenantId, string idempotencyKey,
        CancellationToken cancellation)
    {
        var consumed = await client.ConsumeQuotaAsync(new QuotaRequest(QuotaType, Amount, tenantId), idempotencyKey, cancellation);
        var headers = new Dictionary<string, string>
        {
            ["X-Quota-Limit"] = consumed.Limit.ToString(CultureInfo.InvariantCulture),
            ["X-Quota-Remaining"] = consumed.Remaining.ToString(CultureInfo.InvariantCulture),
        };
        if (consumed.ResetsAt is { } resetsAt)
            headers["X-Quota-Reset"] = resetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Deduction(headers, (refunder, refundKey) =>
            refunder.RefundQuotaAsync(new QuotaRefundRequest(QuotaType, Amount, consumed.ConsumeId, TenantId: tenantId), refundKey));
    }
}
