using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Api.Payments.WeChatPay;

// WeChat Pay API v3's JSON, as its documentation names the fields (snake_case). Amounts are integers in fen.

public sealed record WeChatPayAmount(long Total, string? Currency = null, long? PayerTotal = null, long? Refund = null);

/// <summary>The body of <c>POST /v3/pay/transactions/native</c>.</summary>
public sealed record WeChatPayNativeOrder(
    string Appid, string Mchid, string Description, string OutTradeNo, string TimeExpire, string NotifyUrl, WeChatPayAmount Amount);

public sealed record WeChatPayNativeOrderAnswer(string? CodeUrl);

/// <summary>A trade (交易), as a query answers it and as <c>TRANSACTION.SUCCESS</c>'s resource holds it.</summary>
public sealed record WeChatPayTransaction(
    string? Appid, string? Mchid, string? OutTradeNo, string? TransactionId, string? TradeState, DateTimeOffset? SuccessTime,
    WeChatPayAmount? Amount);

public sealed record WeChatPayCloseRequest(string Mchid);

/// <summary>The body of <c>POST /v3/refund/domestic/refunds</c>.</summary>
public sealed record WeChatPayRefundRequest(string OutTradeNo, string OutRefundNo, string Reason, string NotifyUrl, WeChatPayAmount Amount);

/// <summary>A refund, as the refund call answers it and as the <c>REFUND.*</c> notifications' resource holds it.</summary>
public sealed record WeChatPayRefund(
    string? Mchid, string? OutTradeNo, string? TransactionId, string? OutRefundNo, string? RefundId, string? Status, string? RefundStatus,
    DateTimeOffset? SuccessTime, WeChatPayAmount? Amount);

/// <summary>What WeChat Pay answers with a 4xx or 5xx.</summary>
public sealed record WeChatPayError(string? Code, string? Message);

/// <summary>A notification's body; its <see cref="Resource"/> is encrypted.</summary>
public sealed record WeChatPayNotificationBody(string? Id, DateTimeOffset? CreateTime, string? EventType, WeChatPayResource? Resource);

public sealed record WeChatPayResource(string? Algorithm, string? Ciphertext, string? Nonce, string? AssociatedData, string? OriginalType);

internal static class WeChatPayJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
