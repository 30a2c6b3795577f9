namespace Tollgate.Api.Payments.Orders;

/// <summary>The <c>Payments:*</c> configuration section, as the orders' routes use it.</summary>
public sealed class PaymentsOptions
{
    public const string SectionName = "Payments";

    /// <summary>
    /// Tollgate's public address, as the providers reach it: notify URLs are <c>{PublicBaseUrl}/v1/webhooks/alipay</c> and
    /// <c>.../wechatpay</c>. Orders cannot be created without it.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long an order can be paid; the provider is told (<c>time_expire</c>) and the order closes after it.</summary>
    public TimeSpan OrderTtl { get; set; } = TimeSpan.FromMinutes(15);

    public Uri NotifyUrl(string provider) => new(PublicBaseUrl!, $"v1/webhooks/{provider}");
}
