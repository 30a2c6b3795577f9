namespace Tollgate.Api.Payments.Alipay;

/// <summary>The <c>Alipay:*</c> configuration section (Alipay Open Platform, RSA2 keys).</summary>
public sealed class AlipayOptions
{
    public const string SectionName = "Alipay";

    /// <summary>The production gateway. The sandbox's is <c>https://openapi-sandbox.dl.alipaydev.com/gateway.do</c>.</summary>
    public static readonly Uri ProductionGateway = new("https://openapi.alipay.com/gateway.do");

    /// <summary>The application's APPID; without it Alipay is not configured (orders for it answer 503).</summary>
    public string? AppId { get; set; }

    /// <summary>The application's private key (应用私钥): PEM, bare base64 as Alipay's key tool writes it, or a file path.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Alipay's public key (支付宝公钥) from the console: PEM text, or bare base64 as the console shows it.</summary>
    public string? AlipayPublicKey { get; set; }

    public Uri Gateway { get; set; } = ProductionGateway;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId);
}
