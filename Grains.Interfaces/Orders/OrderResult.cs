namespace Tollgate.Grains.Orders;

/// <param name="Replayed">The answer to an earlier request under the same idempotency key.</param>
/// <param name="ProviderCode">For a provider's refusal: its own error code.</param>
[GenerateSerializer, Immutable, Alias("tollgate.OrderResult")]
public sealed record OrderResult(
    OrderOutcome Outcome, OrderInfo? Order, string? Detail = null, bool Replayed = false, string? ProviderCode = null)
{
    public static OrderResult Fail(OrderOutcome outcome, string detail, string? providerCode = null) =>
        new(outcome, null, detail, ProviderCode: providerCode);
}
