using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>The operator's refunds: each stored before the provider is called, its result recorded once.</summary>
public sealed partial class OrderGrain
{
    public async Task<OrderResult> Refund(OrderRefundOrder refund, AuditActor actor)
    {
        if (!_order.RecordExists) return NothingHeld(OrderResult.Fail(OrderOutcome.NotFound, $"Order '{OrderId}'"));
        var now = TimeProvider.GetUtcNow();
        var known = State.Refunds.Find(r => r.Id == refund.RefundId);
        var replayed = known is not null;
        if (known is not null)
        {
            if (refund.AmountMinor is { } asked && asked != known.AmountMinor || refund.Reason != known.Reason)
                return OrderResult.Fail(OrderOutcome.KeyReused, "The Idempotency-Key was used with a different refund.");
            if (known.Status == RefundStatus.Failed) return RefundFailed(known);
            // Sent before without an answer: sent again under the same refund id, which the provider applies once.
            if (known.Status != RefundStatus.Requested) return new(OrderOutcome.Ok, Info(), Replayed: true);
        }
        else
        {
            var (amount, outcome) = State.RefundAmount(refund.AmountMinor);
            if (outcome == OrderOutcome.NotPaid) return OrderResult.Fail(outcome, $"Order '{OrderId}' has nothing paid to refund.");
            if (outcome != OrderOutcome.Ok)
                return OrderResult.Fail(outcome,
                    $"Order '{OrderId}' has {State.PaidMinor - State.RefundedMinor} fen paid and not refunded; "
                    + $"{amount} cannot be refunded.");
            known = new OrderRefundInfo(refund.RefundId, amount, refund.Reason, RefundStatus.Requested, null, now, null, null);
            State.Refunds.Add(known);
            await WriteAsync(actor, "order.refund_requested");
        }

        var answer = await Providers.RefundAsync(new OrderRefundCall(State.Provider, OrderId, known.Id, known.AmountMinor,
            State.PaidMinor!.Value, State.Currency, known.Reason), CancellationToken.None);
        if (answer.Failure is { Transient: true } unreachable)
            return OrderResult.Fail(OrderOutcome.ProviderUnavailable, unreachable.Message, unreachable.Code);
        var reply = answer.Value
            ?? new OrderRefundReply(RefundStatus.Failed, null, null, answer.Failure!.Code + ": " + answer.Failure.Message);
        if (State.CompleteRefund(known.Id, reply.State, reply.ProviderRefundId, reply.At ?? TimeProvider.GetUtcNow(), reply.FailureReason))
        {
            var action = reply.State switch
            {
                RefundStatus.Succeeded => "order.refunded",
                RefundStatus.Failed => "order.refund_failed",
                _ => "order.refund_processing",
            };
            await WriteAsync(actor, action);
        }
        var recorded = State.Refunds.Find(r => r.Id == known.Id)!;
        return recorded.Status == RefundStatus.Failed ? RefundFailed(recorded) : new(OrderOutcome.Ok, Info(), Replayed: replayed);
    }

    /// <summary>
    /// A refund the provider refused: recorded on the order (failed, its amount refundable again) and answered as refused.
    /// </summary>
    private static OrderResult RefundFailed(OrderRefundInfo refund) =>
        OrderResult.Fail(OrderOutcome.ProviderRefused, $"The provider refused refund {refund.Id}: {refund.FailureReason}");
}
