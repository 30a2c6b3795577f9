using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

public sealed partial class SubscriptionGrain
{
    public Task<SubscriptionResult> ApplyPrepaidPeriods(PrepaidPeriods prepaid, AuditActor actor) =>
        throw new NotSupportedException("Prepaid periods arrive with branch i29-prepaid.");
}
