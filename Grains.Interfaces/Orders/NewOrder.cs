namespace Tollgate.Grains.Orders;

/// <summary>An order to create; its amount comes from the catalog, never from here.</summary>
/// <param name="Provider">"alipay" or "wechatpay".</param>
/// <param name="Channel">Alipay's "pc" or "h5"; null for WeChat Pay.</param>
/// <param name="Ttl">How long it can be paid (<c>Payments:OrderTtl</c>).</param>
/// <param name="Fingerprint">What the request was: another request under the same key is refused.</param>
[GenerateSerializer, Immutable, Alias("tollgate.NewOrder")]
public sealed record NewOrder(string TenantId, string Provider, OrderItem Item, string? Channel, TimeSpan Ttl, string Fingerprint);
