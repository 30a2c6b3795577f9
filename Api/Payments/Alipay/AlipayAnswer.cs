using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Api.Payments.Orders;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// One gateway answer, <c>{"alipay_trade_query_response": {...}, "sign": "..."}</c>, read only after <c>sign</c> verifies
/// over the exact JSON text of the response node (<c>error_response</c> when the gateway refused the call itself).
/// A success must be signed; an error without a signature is kept only as a failure, never as an answer to act on.
/// </summary>
internal sealed class AlipayAnswer
{
    private static readonly HashSet<string> TransientCodes = ["ACQ.SYSTEM_ERROR", "aop.ACQ.SYSTEM_ERROR", "isp.unknow-error"];

    private readonly JsonElement _node;

    private AlipayAnswer(JsonElement node, (string Code, string Message, bool Transient)? refusal)
    {
        _node = node;
        Refusal = refusal;
    }

    /// <summary>Why the answer cannot be trusted at all (unreadable, or its signature does not verify).</summary>
    public (string Code, string Message, bool Transient)? Refusal { get; }

    public string? Code => Text("code");
    public string? SubCode => Text("sub_code");
    public string? SubMessage => Text("sub_msg");
    public bool IsSuccess => Code == "10000";

    /// <summary>Alipay's system errors (and <c>20000</c>, service unavailable) may pass; a business refusal will not.</summary>
    public bool IsTransient => Code == "20000" || (SubCode is { } subCode && TransientCodes.Contains(subCode));

    /// <summary>Alipay refused what was asked (<c>40004 Business Failed</c>), not for a reason that may pass.</summary>
    public bool IsBusinessRefusal => Code == "40004" && !IsTransient;

    public static AlipayAnswer Read(string method, byte[] body, RSA alipayPublic)
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException failure)
        {
            return Refused("malformed_response", $"The Alipay gateway's answer to {method} is not JSON: {failure.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object) return Refused("malformed_response", $"The answer to {method} is not a JSON object.");
        var nodeName = method.Replace('.', '_') + "_response";
        if (!root.TryGetProperty(nodeName, out var node) && !root.TryGetProperty("error_response", out node)
            || node.ValueKind != JsonValueKind.Object)
            return Refused("malformed_response", $"The answer to {method} has no {nodeName}.");
        var sign = root.TryGetProperty("sign", out var signValue) && signValue.ValueKind == JsonValueKind.String
            ? signValue.GetString()
            : null;
        var answer = new AlipayAnswer(node, null);
        if (sign is null)
        {
            if (answer.IsSuccess) return Refused("bad_signature", $"Alipay's answer to {method} is not signed.");
            return new AlipayAnswer(node, (answer.SubCode ?? answer.Code ?? "unknown",
                $"Alipay's unsigned answer to {method}: {answer.Code} {answer.SubCode} {answer.SubMessage}", answer.IsTransient));
        }
        // GetRawText is the node's text as received, byte for byte: what Alipay signed.
        if (!AlipaySignature.Verify(node.GetRawText(), sign, alipayPublic))
            return Refused("bad_signature", $"The signature of Alipay's answer to {method} does not verify with Alipay:AlipayPublicKey.");
        return answer;
    }

    public string? Text(string name) =>
        _node.ValueKind == JsonValueKind.Object && _node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>An amount in yuan, exactly in fen; an answer without it, or with one that does not read, is malformed.</summary>
    public long Amount(string name) =>
        AlipayAmount.TryParse(Text(name), out var fen) ? fen : throw Malformed($"{name} \"{Text(name)}\" is not an amount in yuan");

    public OrderProviderException Malformed(string detail) =>
        new(AlipayOrderPaymentProvider.ProviderName, "malformed_response", $"Alipay's answer is malformed: {detail}.", false);

    /// <summary>Anything but success, as the exception the orders code handles: Alipay's <c>sub_code</c> as its code.</summary>
    public void ThrowIfFailed()
    {
        if (IsSuccess) return;
        throw new OrderProviderException(AlipayOrderPaymentProvider.ProviderName, SubCode ?? Code ?? "unknown",
            $"Alipay refused: {Code} {Text("msg")}, {SubCode} {SubMessage}", IsTransient);
    }

    private static AlipayAnswer Refused(string code, string message) => new(default, (code, message, false));
}
