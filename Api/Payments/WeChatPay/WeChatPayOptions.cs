namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// The <c>WeChatPay:*</c> configuration section: a direct merchant (普通商户) of WeChat Pay API v3, verifying WeChat Pay's
/// answers and notifications with the platform public key (微信支付公钥), not with downloaded platform certificates.
/// </summary>
public sealed class WeChatPayOptions
{
    public const string SectionName = "WeChatPay";

    /// <summary>The merchant id (商户号); without it WeChat Pay is not configured.</summary>
    public string? MchId { get; set; }

    /// <summary>The app id (公众号/小程序/开放平台 AppID) bound to the merchant id.</summary>
    public string? AppId { get; set; }

    /// <summary>The APIv3 key (APIv3密钥): 32 ASCII characters, the AES-256-GCM key of notifications.</summary>
    public string? ApiV3Key { get; set; }

    /// <summary>The merchant API certificate's private key (<c>apiclient_key.pem</c>): PEM text or a file path.</summary>
    public string? MerchantPrivateKey { get; set; }

    /// <summary>The merchant API certificate's serial number, sent as <c>serial_no</c>.</summary>
    public string? MerchantSerialNo { get; set; }

    /// <summary>WeChat Pay's platform public key (<c>pub_key.pem</c>): PEM text or a file path.</summary>
    public string? PlatformPublicKey { get; set; }

    /// <summary>The platform public key's id (<c>PUB_KEY_ID_…</c>): what <c>Wechatpay-Serial</c> must name.</summary>
    public string? PlatformPublicKeyId { get; set; }

    public Uri ApiBase { get; set; } = new("https://api.mch.weixin.qq.com");

    public bool IsConfigured => !string.IsNullOrWhiteSpace(MchId);
}
