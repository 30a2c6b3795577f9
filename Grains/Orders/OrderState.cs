namespace Tollgate.Grains.Orders;

/// <summary>An order as stored. The rules that change it are here, free of I/O, so they are tested without a silo.</summary>
public sealed class OrderState
{
    public string TenantId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string? Channel { get; set; }
    public string? PlanId { get; set; }
    public int Periods { get; set; }
    public string? PackId { get; set; }
    public long? Credits { get; set; }
    public string Subject { get; set; } = "";
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "";
    public OrderStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>The creating request: the same request under the key replays the order, another is refused.</summary>
    public string Fingerprint { get; set; } = "";
    public string? PayUrl { get; set; }
    public string? CodeUrl { get; set; }
    public string? ProviderTradeNo { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public long? PaidMinor { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>"expired", "closed_by_provider" or "provider_refused" (the trade could not be started).</summary>
    public string? CloseReason { get; set; }
    public bool Fulfilled { get; set; }
    public bool RefundDue { get; set; }
    /// <summary>Why what was paid could not be applied, if it could not.</summary>
    public string? FulfilmentFailure { get; set; }
    public List<OrderRefundInfo> Refunds { get; set; } = [];
    /// <summary>What revenue analytics counted of the order: "paid" and "refund/{id}" (<see cref="Analytics.OrderRevenue"/>).</summary>
    public HashSet<string> RevenueCounted { get; set; } = [];
    /// <summary>Revenue movements stored with their change and not yet taken by their month grain.</summary>
    public List<Analytics.RevenueMovement> PendingRevenue { get; set; } = [];

    public OrderItem Item => new(PlanId, Periods, PackId);

    /// <summary>Refunds sent and not failed: what can no longer be refunded.</summary>
    public long RefundedMinor => Refunds.Where(r => r.Status != RefundStatus.Failed).Sum(r => r.AmountMinor);

    public long SucceededRefundsMinor => Refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.AmountMinor);

    public bool IsPaid => PaidAt is not null;

    public bool IsExpired(DateTimeOffset now) => Status == OrderStatus.Pending && now >= ExpiresAt;

    public OrderInfo Info(string id) => new(
        id, TenantId, Provider, Channel, Item, Credits, Subject, AmountMinor, Currency, Status, CreatedAt, ExpiresAt, PayUrl, CodeUrl,
        ProviderTradeNo, PaidAt, ClosedAt, CloseReason, Fulfilled, RefundDue, RefundedMinor, [.. Refunds]);

    /// <summary>Why a payment reported for this order does not match it, or null when it does.</summary>
    public string? Mismatch(long amountMinor, string currency)
    {
        if (!string.Equals(currency, Currency, StringComparison.OrdinalIgnoreCase)) return "currency_mismatch";
        return amountMinor == AmountMinor ? null : "amount_mismatch";
    }

    /// <summary>
    /// Records a payment. A pending order becomes paid and is to be fulfilled; a closed one keeps its status and is flagged
    /// for refund (the customer paid a trade Tollgate had given up on); an order paid before changes nothing.
    /// </summary>
    public PaymentChange Pay(string? providerTradeNo, long amountMinor, DateTimeOffset paidAt)
    {
        if (IsPaid) return PaymentChange.Duplicate;
        (PaidAt, PaidMinor, ProviderTradeNo) = (paidAt, amountMinor, providerTradeNo ?? ProviderTradeNo);
        if (Status == OrderStatus.Closed)
        {
            RefundDue = true;
            return PaymentChange.PaidAfterClose;
        }
        Status = OrderStatus.Paid;
        return PaymentChange.Paid;
    }

    public bool NeedsFulfilment => Status is OrderStatus.Paid or OrderStatus.Refunded && !Fulfilled && FulfilmentFailure is null;

    public void Close(string reason, DateTimeOffset at)
    {
        (Status, ClosedAt, CloseReason) = (OrderStatus.Closed, at, reason);
    }

    /// <summary>The refund to send for <paramref name="amountMinor"/> (null: all that is left), or why none can be.</summary>
    public (long Amount, OrderOutcome Outcome) RefundAmount(long? amountMinor)
    {
        if (PaidMinor is not { } paid) return (0, OrderOutcome.NotPaid);
        var left = paid - RefundedMinor;
        var amount = amountMinor ?? left;
        return amount >= 1 && amount <= left ? (amount, OrderOutcome.Ok) : (amount, OrderOutcome.RefundExceedsPaid);
    }

    /// <summary>
    /// Records a refund's result, once: a refund already succeeded or failed keeps its result. Refunds reaching what was paid make the
    /// order refunded. False when nothing changed.
    /// </summary>
    public bool CompleteRefund(string refundId, string status, string? providerRefundId, DateTimeOffset at, string? failureReason)
    {
        var index = Refunds.FindIndex(r => r.Id == refundId);
        if (index < 0 || Refunds[index].Status is RefundStatus.Succeeded or RefundStatus.Failed) return false;
        if (status == Refunds[index].Status) return false;
        var done = status is RefundStatus.Succeeded or RefundStatus.Failed;
        Refunds[index] = Refunds[index] with
        {
            Status = status,
            ProviderRefundId = providerRefundId ?? Refunds[index].ProviderRefundId,
            CompletedAt = done ? at : null,
            FailureReason = failureReason,
        };
        if (status == RefundStatus.Succeeded && SucceededRefundsMinor >= PaidMinor)
        {
            Status = OrderStatus.Refunded;
            RefundDue = false;
        }
        return true;
    }
}

public enum PaymentChange { Paid, PaidAfterClose, Duplicate }
