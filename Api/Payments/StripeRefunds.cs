namespace Tollgate.Api.Payments;

/// <summary>
/// What a Stripe refund event counts in revenue, pure. A refund succeeds at one moment: it is created succeeded
/// (<c>refund.created</c>), or its status changes to succeeded later (the <c>refund.updated</c> whose
/// <c>previous_attributes</c> hold its earlier status). Only those two events count it, negative, so it counts once, in the
/// month of the one that arrives, however often it is delivered and in whatever order; other updates of a succeeded refund
/// (its card reference becoming available, its metadata) count nothing. A refund that fails after it succeeded counts back,
/// positive, from the <c>refund.updated</c> reporting that change, under an id of its own.
/// </summary>
public static class StripeRefunds
{
    public const string Succeeded = "succeeded";

    /// <summary>The movement the event counts (its id and signed amount), or null when it counts nothing.</summary>
    /// <param name="previousStatus">The refund's status before an <c>refund.updated</c>'s change; null when it did not change.</param>
    public static (string Id, long AmountMinor)? Counted(string eventType, string refundId, string? status, string? previousStatus,
        long amountMinor) => (eventType, status, previousStatus) switch
        {
            ("refund.created", Succeeded, _) => (refundId, -amountMinor),
            ("refund.updated", Succeeded, { } before) when before != Succeeded => (refundId, -amountMinor),
            ("refund.updated", not Succeeded, Succeeded) => ($"{refundId}/reversed", amountMinor),
            _ => null,
        };
}
