using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Api.Payments.Orders;

namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// Reads a notification WeChat Pay posts to the notify URL (支付通知, 退款结果通知): the <c>Wechatpay-*</c> signature over the raw
/// body under the platform public key, its timestamp within five minutes, then the AEAD_AES_256_GCM resource under the APIv3
/// key, then the merchant and app ids. Refusals: <c>bad_signature</c>, <c>stale</c>, <c>malformed</c>, <c>decrypt_failed</c>,
/// <c>mch_id_mismatch</c>, <c>app_id_mismatch</c>, <c>unsupported_event</c>.
/// </summary>
internal sealed class WeChatPayNotifications(WeChatPayOptions options, WeChatPayKeys keys, TimeProvider time)
{
    public async Task<OrderNotificationVerdict> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!options.IsConfigured) return OrderNotificationVerdict.Refuse("not_configured", "WeChatPay:MchId is not set.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray(); // signed as bytes: verified before anything reads them
        var headers = request.Headers;
        if (WeChatPaySignature.Refusal(headers["Wechatpay-Serial"], headers["Wechatpay-Timestamp"], headers["Wechatpay-Nonce"],
                headers["Wechatpay-Signature"], body, keys.Platform, options.PlatformPublicKeyId!, time.GetUtcNow()) is { } refusal)
            return OrderNotificationVerdict.Refuse(refusal.Reason, refusal.Detail);

        WeChatPayNotificationBody notification;
        try
        {
            notification = Read<WeChatPayNotificationBody>(body);
        }
        catch (JsonException e)
        {
            return OrderNotificationVerdict.Refuse("malformed", $"The body is not a notification: {e.Message}");
        }
        if (notification.Resource is not { Ciphertext: { } ciphertext, Nonce: { } nonce } resource)
            return OrderNotificationVerdict.Refuse("malformed", "The notification has no resource.");
        if (resource.Algorithm != "AEAD_AES_256_GCM")
            return OrderNotificationVerdict.Refuse(
                "decrypt_failed", $"The resource's algorithm is {resource.Algorithm}, not AEAD_AES_256_GCM.");

        byte[] plaintext;
        try
        {
            plaintext = WeChatPaySignature.Decrypt(keys.ApiV3Key, nonce, resource.AssociatedData, ciphertext);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return OrderNotificationVerdict.Refuse("decrypt_failed", $"The resource does not decrypt under the APIv3 key: {e.Message}");
        }

        try
        {
            return notification.EventType switch
            {
                "TRANSACTION.SUCCESS" => Paid(Read<WeChatPayTransaction>(plaintext)),
                "REFUND.SUCCESS" => Refund(OrderNotificationKind.Refunded, Read<WeChatPayRefund>(plaintext), notification),
                "REFUND.ABNORMAL" or "REFUND.CLOSED" =>
                    Refund(OrderNotificationKind.RefundFailed, Read<WeChatPayRefund>(plaintext), notification),
                _ => OrderNotificationVerdict.Refuse(
                    "unsupported_event", $"Tollgate does not take {notification.EventType} notifications."),
            };
        }
        catch (JsonException e)
        {
            return OrderNotificationVerdict.Refuse("malformed", $"The decrypted resource is not what its event type says: {e.Message}");
        }
    }

    private OrderNotificationVerdict Paid(WeChatPayTransaction trade)
    {
        if (trade.Mchid != options.MchId) return MchIdMismatch(trade.Mchid);
        if (trade.Appid != options.AppId)
            return OrderNotificationVerdict.Refuse("app_id_mismatch", $"The trade is for app {trade.Appid}, not {options.AppId}.");
        if (trade is not { TradeState: "SUCCESS", OutTradeNo: { } orderId, Amount.Total: var total, SuccessTime: { } paidAt })
            return OrderNotificationVerdict.Refuse(
                "malformed", "A TRANSACTION.SUCCESS without a successful trade, its number, amount and time.");
        // amount.total is the order's amount; payer_total is what the payer's own money covered of it (less coupons).
        return OrderNotificationVerdict.Accept(new OrderNotification(
            OrderNotificationKind.Paid, orderId, trade.TransactionId, total, (trade.Amount.Currency ?? "CNY").ToLowerInvariant(), paidAt));
    }

    private OrderNotificationVerdict Refund(OrderNotificationKind kind, WeChatPayRefund refund, WeChatPayNotificationBody notification)
    {
        // A refund's resource names the merchant but no app.
        if (refund.Mchid != options.MchId) return MchIdMismatch(refund.Mchid);
        if (refund is not { OutTradeNo: { } orderId, OutRefundNo: { } refundId, Amount.Refund: { } amount })
            return OrderNotificationVerdict.Refuse(
                "malformed", "A refund notification without its trade number, refund number and amount.");
        var at = refund.SuccessTime ?? notification.CreateTime ?? time.GetUtcNow();
        return OrderNotificationVerdict.Accept(new OrderNotification(kind, orderId, refund.TransactionId, amount, "cny", at, refundId));
    }

    private OrderNotificationVerdict MchIdMismatch(string? mchId) =>
        OrderNotificationVerdict.Refuse("mch_id_mismatch", $"The notification is for merchant {mchId}, not {options.MchId}.");

    private static T Read<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, WeChatPayJson.Options) ?? throw new JsonException("null");
}
