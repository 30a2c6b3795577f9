using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>A header as the OpenAPI document names and describes it.</summary>
public sealed record ContractHeader(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String);

/// <summary>The headers Tollgate reads or writes besides credentials and content negotiation.</summary>
public static class ContractHeaders
{
    public static readonly ContractHeader IdempotencyKey = new("Idempotency-Key",
        "A key of your choosing (at most 200 visible ASCII characters) that makes a retry of this request safe: "
        + "the same key with the same request within 24 hours answers as the first time, without applying it again.");

    public static readonly ContractHeader IdempotentReplayed = new("Idempotent-Replayed",
        "`true` when this answer replays the first answer to the same Idempotency-Key.");

    public static readonly ContractHeader QuotaLimit = new("X-Quota-Limit", "The quota's limit in its current window.", JsonSchemaType.Integer);

    public static readonly ContractHeader QuotaRemaining = new("X-Quota-Remaining", "What remains of the quota after this call.", JsonSchemaType.Integer);

    public static readonly ContractHeader QuotaReset = new("X-Quota-Reset",
        "When the quota's window resets, in Unix seconds; absent for a lifetime quota.", JsonSchemaType.Integer);

    public static readonly ContractHeader CreditsRemaining = new("X-Credits-Remaining",
        "The tenant's available credits after this call (the balance less what reservations hold).", JsonSchemaType.Integer);

    public static readonly ContractHeader RetryAfter = new("Retry-After", "Seconds to wait before trying again.", JsonSchemaType.Integer);

    public static readonly ContractHeader WwwAuthenticate = new("WWW-Authenticate",
        "The credentials expected: `Bearer` for an access token, `ApiKey header=\"X-Api-Key\"` when an API key was sent.");

    /// <summary>What WeChat Pay signs a notification with: every one is required, and verified with its platform public key.</summary>
    public static readonly ContractHeader[] WeChatPayNotification =
    [
        new("Wechatpay-Timestamp", "When WeChat Pay signed the notification, in Unix seconds; more than 5 minutes off is refused."),
        new("Wechatpay-Nonce", "WeChat Pay's random string, signed with the timestamp and the body."),
        new("Wechatpay-Signature", "SHA256withRSA over the timestamp, the nonce and the body, in base64."),
        new("Wechatpay-Serial", "The id of the platform public key that signed it (`WeChatPay:PlatformPublicKeyId`)."),
        new("Wechatpay-Signature-Type", "`WECHATPAY2-SHA256-RSA2048`."),
    ];
}
