using Microsoft.AspNetCore.Http;
using Tollgate.Api.Payments.Orders;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// Alipay's asynchronous notification (<c>notify_type=trade_status_sync</c>), a form POST to the notify URL. It is trusted
/// once <c>sign</c> verifies with Alipay's public key over every other parameter but <c>sign_type</c> (values as decoded,
/// sorted, <c>name=value</c> joined by <c>&amp;</c>) and its <c>app_id</c> is the configured one.
/// </summary>
public static class AlipayNotifications
{
    public static async Task<OrderNotificationVerdict> ReadAsync(
        HttpRequest request, AlipayOptions options, AlipayKeys keys, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            return OrderNotificationVerdict.Refuse("malformed", $"The body is {request.ContentType ?? "untyped"}, not a form.");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return OrderNotificationVerdict.Refuse("malformed", $"The form does not read: {e.Message}");
        }
        if (form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } repeated })
            return OrderNotificationVerdict.Refuse("malformed", $"The parameter {repeated} is given more than once.");
        var parameters = form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);
        return Read(parameters, options, keys);
    }

    /// <summary>The notification's parameters, decoded, in Tollgate's terms, or the reason they are refused.</summary>
    public static OrderNotificationVerdict Read(IReadOnlyDictionary<string, string?> parameters, AlipayOptions options, AlipayKeys keys)
    {
        string? Value(string name) => parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        if (Value("sign") is not { } sign) return OrderNotificationVerdict.Refuse("bad_signature", "The notification carries no sign.");
        if (Value("sign_type") is { } signType && signType != AlipaySignature.SignType)
            return OrderNotificationVerdict.Refuse("bad_signature", $"sign_type is {signType}; Tollgate verifies RSA2 only.");
        using (var alipayPublic = keys.AlipayPublic())
            if (!AlipaySignature.NotificationContents(parameters).Any(content => AlipaySignature.Verify(content, sign, alipayPublic)))
                return OrderNotificationVerdict.Refuse("bad_signature", "sign does not verify with Alipay:AlipayPublicKey.");
        if (Value("app_id") != options.AppId)
            return OrderNotificationVerdict.Refuse("app_id_mismatch", $"app_id {Value("app_id")} is not Alipay:AppId.");
        if (Value("out_trade_no") is not { } orderId) return OrderNotificationVerdict.Refuse("malformed", "out_trade_no is missing.");

        // A refund's notification carries out_biz_no (the refund's out_request_no) and gmt_refund; its refund_fee is what the
        // trade has refunded in all. A payment's may carry refund_fee "0.00" and nothing else of a refund.
        var refund = Value("out_biz_no") is not null || Value("gmt_refund") is not null;
        OrderNotificationKind kind;
        if (refund)
        {
            if (Value("out_biz_no") is null)
                return OrderNotificationVerdict.Refuse("malformed", "A refund notification without out_biz_no.");
            kind = OrderNotificationKind.Refunded;
        }
        else
        {
            switch (Value("trade_status"))
            {
                case "TRADE_SUCCESS" or "TRADE_FINISHED": kind = OrderNotificationKind.Paid; break;
                case "TRADE_CLOSED": kind = OrderNotificationKind.Closed; break;
                case var status:
                    return OrderNotificationVerdict.Refuse("malformed", $"trade_status \"{status}\" is not a change Tollgate acts on.");
            }
        }
        var amountName = refund ? "refund_fee" : "total_amount";
        if (!AlipayAmount.TryParse(Value(amountName), out var amount))
            return OrderNotificationVerdict.Refuse("malformed", $"{amountName} \"{Value(amountName)}\" is not an amount in yuan.");
        var timeName = kind switch
        {
            OrderNotificationKind.Refunded => "gmt_refund",
            OrderNotificationKind.Closed => "gmt_close",
            _ => "gmt_payment",
        };
        if (!AlipayTime.TryParse(Value(timeName), out var occurredAt) && !AlipayTime.TryParse(Value("notify_time"), out occurredAt))
            return OrderNotificationVerdict.Refuse("malformed", $"Neither {timeName} nor notify_time is a time.");
        return OrderNotificationVerdict.Accept(new OrderNotification(kind, orderId, Value("trade_no"), amount,
            AlipayOrderPaymentProvider.Currency, occurredAt, refund ? Value("out_biz_no") : null));
    }
}
