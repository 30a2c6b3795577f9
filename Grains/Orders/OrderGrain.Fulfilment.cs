using Microsoft.Extensions.Logging;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>A payment recorded once, then what it bought given once: the plan's periods or the pack's credits.</summary>
public sealed partial class OrderGrain
{
    private async Task PaidAsync(string? providerTradeNo, long amountMinor, DateTimeOffset paidAt, AuditActor actor)
    {
        var change = State.Pay(providerTradeNo, amountMinor, paidAt);
        if (change != PaymentChange.Duplicate)
        {
            var payment = new PaymentRecord(OrderId, State.Provider, OrderId, null, PaymentOutcome.Succeeded, amountMinor,
                State.Currency, 1, null, paidAt);
            _order.AddToNextWrite(new JournalRecord(BillingJournal.Payments, State.TenantId, OrderId, paidAt,
                System.Text.Json.JsonSerializer.Serialize(payment, BillingJournal.Json)));
            // Durable before anything is answered or applied: from here the payment cannot be lost.
            await WriteAsync(actor, change == PaymentChange.Paid ? "order.paid" : "order.paid_after_close");
        }
    }

    /// <summary>Fulfils a paid order if it is not yet; a failure is left to the reminder, so a poll still answers the order.</summary>
    private async Task TryFulfilAsync(AuditActor actor)
    {
        if (!State.NeedsFulfilment) return;
        try
        {
            await FulfilAsync(actor);
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Order {OrderId} is paid and not yet fulfilled; its reminder tries again", OrderId);
        }
    }

    /// <summary>
    /// Extends the subscription or grants the pack. Both apply once per order on their side too, so a repeat after a crash is safe.
    /// </summary>
    private async Task FulfilAsync(AuditActor actor)
    {
        string? failure;
        if (State.PlanId is { } planId)
        {
            var result = await GrainFactory.GetGrain<ISubscriptionGrain>(State.TenantId)
                .ApplyPrepaidPeriods(new PrepaidPeriods(OrderId, planId, State.Periods, State.Provider, State.PaidAt!.Value), actor);
            failure = result.Error == SubscriptionError.None ? null : $"{WireNames.Of(result.Error)}: {result.Detail}";
        }
        else
        {
            var grant = await GrainFactory.GetGrain<ICreditWalletGrain>(State.TenantId).Grant(
                new CreditGrant(State.Credits!.Value, CreditSources.Purchase, Priority: 0, ExpiresAt: null, $"order:{OrderId}",
                    $"credit pack {State.PackId}"), actor);
            failure = grant.Outcome == GrantOutcome.Granted ? null : WireNames.Of(grant.Outcome);
        }
        if (failure is null) State.Fulfilled = true;
        else
        {
            // Paid for what can no longer be given (a plan archived meanwhile, say): the money goes back.
            (State.FulfilmentFailure, State.RefundDue) = (failure, true);
            logger.LogWarning("Order {OrderId} is paid but could not be fulfilled: {Failure}", OrderId, failure);
        }
        await WriteAsync(actor, failure is null ? "order.fulfilled" : "order.fulfilment_failed");
    }
}
