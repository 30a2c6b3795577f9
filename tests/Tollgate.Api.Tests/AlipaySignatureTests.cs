using System.Security.Cryptography;
using Tollgate.Api.Payments.Alipay;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>Alipay's RSA2 string to sign and signature, against Alipay's documented example and the fake's own implementation.</summary>
public sealed class AlipaySignatureTests
{
    private const string MenuJson =
        """{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"},{"name":"查询","subButton":["""
        + """{"actionParam":"ZFB_YECX","actionType":"out","name":"余额查询"},"""
        + """{"actionParam":"ZFB_LLCX","actionType":"out","name":"流量查询"},"""
        + """{"actionParam":"ZFB_HFCX","actionType":"out","name":"话费查询"}]},"""
        + """{"actionParam":"http://m.alipay.com","actionType":"link","name":"最新优惠"}]}""";

    /// <summary>
    /// The example of Alipay's "自行实现签名" (signing without the SDK) page: the request's parameters and the string to sign
    /// it gives for them. Its <c>sign</c> is made with a private key Alipay does not publish (nor the matching public key), so
    /// only the string to sign can be checked against the documentation, not the signature.
    /// </summary>
    [Fact]
    public void The_string_to_sign_of_Alipays_documented_example()
    {
        var parameters = new Dictionary<string, string?>
        {
            ["app_id"] = "2014072300007148",
            ["method"] = "alipay.mobile.public.menu.add",
            ["charset"] = "GBK",
            ["sign_type"] = "RSA2",
            ["timestamp"] = "2014-07-24 03:07:50",
            ["biz_content"] = MenuJson,
            ["sign"] = "e9zEAe4TTQ4LPLQvETPoLGXTiURcxiAKfMVQ6Hrrsx2hmyIEGvSfAQzbLxHrhyZ48wOJXTsD4FPnt+YGdK57+fP1BCbf9rIVycfjhYCqlFhbTu9p"
                + "FnZgT55W+xbAFb9y7vL0MyAxwXUXvZtQVqEwW7pURtKilbcBTEW7TAxzgro=",
            ["version"] = "1.0",
        };

        Assert.Equal(
            "app_id=2014072300007148&biz_content=" + MenuJson + "&charset=GBK&method=alipay.mobile.public.menu.add&sign_type=RSA2"
            + "&timestamp=2014-07-24 03:07:50&version=1.0",
            AlipaySignature.Content(parameters, "sign"));
    }

    [Fact]
    public void Empty_values_are_left_out_and_names_sorted_by_their_bytes()
    {
        var parameters = new Dictionary<string, string?>
        {
            ["b"] = "2", ["a_b"] = "3", ["aB"] = "4", ["a"] = "1", ["empty"] = "", ["missing"] = null,
            ["sign"] = "x", ["sign_type"] = "RSA2",
        };

        Assert.Equal("a=1&aB=4&a_b=3&b=2&sign_type=RSA2", AlipaySignature.Content(parameters, "sign"));
        Assert.Equal("a=1&aB=4&a_b=3&b=2", AlipaySignature.Content(parameters, "sign", "sign_type"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_notification_with_an_empty_parameter_verifies_whether_Alipay_signed_it_with_or_without(bool withEmpty)
    {
        using var alipay = RSA.Create(2048);
        using var merchant = RSA.Create(2048);
        var options = new AlipayOptions
        {
            AppId = "2021000000000001",
            PrivateKey = merchant.ExportPkcs8PrivateKeyPem(),
            AlipayPublicKey = alipay.ExportSubjectPublicKeyInfoPem(),
        };
        var parameters = new Dictionary<string, string?>
        {
            ["app_id"] = "2021000000000001", ["out_trade_no"] = "ord_1", ["trade_no"] = "2026120622001", ["body"] = "",
            ["trade_status"] = "TRADE_SUCCESS", ["total_amount"] = "88.00", ["gmt_payment"] = "2026-12-07 00:02:03", ["sign_type"] = "RSA2",
        };
        var content = withEmpty
            ? "app_id=2021000000000001&body=&gmt_payment=2026-12-07 00:02:03&out_trade_no=ord_1&total_amount=88.00&trade_no=2026120622001"
                + "&trade_status=TRADE_SUCCESS"
            : AlipaySignature.Content(parameters, "sign", "sign_type");
        parameters["sign"] = AlipaySignature.Sign(content, alipay);

        var verdict = AlipayNotifications.Read(parameters, options, AlipayKeys.Read(options));

        Assert.Null(verdict.Refusal);
        Assert.Equal(8800, verdict.Notification!.AmountMinor);
        parameters["total_amount"] = "8.80";
        Assert.Equal("bad_signature", AlipayNotifications.Read(parameters, options, AlipayKeys.Read(options)).Refusal);
    }

    [Fact]
    public void A_signature_made_here_verifies_with_the_fakes_own_code_and_the_other_way_round()
    {
        using var key = RSA.Create(2048);
        var parameters = new Dictionary<string, string>
        {
            ["app_id"] = "2021000000000001", ["biz_content"] = """{"out_trade_no":"o1","subject":"专业版 3 个月"}""", ["sign_type"] = "RSA2",
        };
        var nullable = parameters.ToDictionary(p => p.Key, p => (string?)p.Value);
        var content = AlipaySignature.Content(nullable, "sign");
        Assert.Equal(FakeAlipay.Content(parameters, "sign"), content);

        Assert.True(AlipaySignature.Verify(content, FakeAlipay.Sign(content, key), key));
        Assert.True(key.VerifyData(
            System.Text.Encoding.UTF8.GetBytes(content), Convert.FromBase64String(AlipaySignature.Sign(content, key)),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(AlipaySignature.Verify(content + "x", AlipaySignature.Sign(content, key), key));
        Assert.False(AlipaySignature.Verify(content, "not base64!", key));
        Assert.False(AlipaySignature.Verify(content, null, key));
    }
}
