using System.Globalization;
using Tollgate.Client;

namespace Tollgate.AspNetCore;

/// <summary>The endpoint spends <see cref="Units"/> of <see cref="Tool"/>'s price (<c>{appId}/{key}</c>) per call.</summary>
public sealed class RequireCreditsAttribute : TollgateGuardAttribute
{
    public RequireCreditsAttribute(string tool, long units = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        Tool = tool;
        Units = units;
    }

    public string Tool { get; }
    public long Units { get; }
    public override string Name => Tool;

    internal override async Task<Deduction> DeductAsync(TollgateClient client, string tenantId, string idempotencyKey,
        CancellationToken cancellation)
    {
        var spent = await client.ConsumeCreditsAsync(new CreditsConsumeRequest(Tool, Units, tenantId), idempotencyKey, cancellation);
        var headers = new Dictionary<string, string> { ["X-Credits-Remaining"] = spent.Available.ToString(CultureInfo.InvariantCulture) };
        return new Deduction(headers, (refunder, refundKey) =>
            refunder.RefundCreditsAsync(new CreditsRefundRequest(spent.SpendId, TenantId: tenantId), refundKey));
    }
}
