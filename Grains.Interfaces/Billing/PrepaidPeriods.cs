namespace Tollgate.Grains.Billing;

/// <summary>Periods of a plan paid in advance by one order.</summary>
/// <param name="OrderId">The paying order: the periods apply once per order.</param>
/// <param name="Periods">1 to 36 periods of the plan's interval.</param>
/// <param name="Provider">"alipay" or "wechatpay".</param>
[GenerateSerializer, Immutable, Alias("tollgate.PrepaidPeriods")]
public sealed record PrepaidPeriods(string OrderId, string PlanId, int Periods, string Provider, DateTimeOffset PaidAt);
