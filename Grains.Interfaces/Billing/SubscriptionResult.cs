namespace Tollgate.Grains.Billing;

[GenerateSerializer, Immutable, Alias("tollgate.SubscriptionResult")]
public sealed record SubscriptionResult(SubscriptionInfo? Value, SubscriptionError Error = SubscriptionError.None, string? Detail = null)
{
    public static SubscriptionResult Fail(SubscriptionError error, string detail) => new(null, error, detail);
}
