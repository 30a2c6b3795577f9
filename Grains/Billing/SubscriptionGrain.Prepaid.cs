using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

/// <summary>Prepaid periods (Alipay and WeChat Pay orders): applying an order's periods and the clock of a prepaid span
/// (see <see cref="PrepaidRules"/>).</summary>
public sealed partial class SubscriptionGrain
{
    public async Task<SubscriptionResult> ApplyPrepaidPeriods(PrepaidPeriods prepaid, AuditActor actor)
    {
        await CatchUpAsync();
        if (State.AppliedOrders.Contains(prepaid.OrderId)) return new(Info());
        var plan = (await CatalogAsync(refresh: true)).Plan(prepaid.PlanId);
        if (State.PrepaidRefusal(prepaid, plan) is { } refused) return refused;
        try
        {
            State.AppliedOrders.Add(prepaid.OrderId); // in the write below, with the periods
            if (State.Extends(plan!))
            {
                var before = Info();
                State.ExtendBy(prepaid.Periods);
                await _subscription.WriteStateAsync([AuditRecord(actor, PrepaidRules.ExtendedAction, before)]);
                await AimReminderAsync();
            }
            else
            {
                // Another plan (or none, the default, a grant) starts now; the rest of another prepaid plan is given up.
                await StartAsync(plan!, SubscriptionSource.Prepaid, trialDays: 0, TimeProvider.GetUtcNow(), actor,
                    PrepaidRules.StartedAction, prepaidPeriods: prepaid.Periods);
            }
        }
        catch
        {
            // Memory may now hold the order as applied while storage does not: the retry must read what was stored.
            DeactivateOnIdle();
            throw;
        }
        await DeliverRevenueAsync();
        return new(Info());
    }

    /// <summary>
    /// Applies, in order, every renewal inside the paid span, the expiring notice and the lapse at the end already passed.
    /// False when the subscription is not prepaid or nothing was due.
    /// </summary>
    private async Task<bool> CatchUpPrepaidAsync(DateTimeOffset now)
    {
        var changed = false;
        while (State.DuePrepaid(now) is var due and not PrepaidDue.Nothing)
        {
            changed = true;
            if (due == PrepaidDue.PeriodEnd) await RenewAsync(State.PeriodEnd);
            else if (due == PrepaidDue.Expiring) await AnnounceExpiryAsync();
            else await FallBackAsync(State.PaidThrough!.Value, AuditActor.System, "subscription.canceled", Info(), notify: false);
        }
        return changed;
    }

    /// <summary>The notice and its event go in one write with the state that remembers it was given.</summary>
    private async Task AnnounceExpiryAsync()
    {
        var before = Info();
        State.AnnounceExpiry();
        await _subscription.WriteStateAsync([AuditRecord(AuditActor.System, PrepaidRules.ExpiringAction, before)]);
        await AimReminderAsync();
    }
}
