using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tollgate.Api.Extensions;
using Tollgate.Api.Payments.Alipay;
using Tollgate.Api.Payments.Orders;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary><c>Alipay:*</c> as the silo checks it when it starts (the options' start validation, as the host runs it).</summary>
public sealed class AlipayOptionsTests
{
    private static readonly string PrivateKey = Exported(key => key.ExportPkcs8PrivateKeyPem());
    private static readonly string AlipayPublicKey = Exported(key => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));

    private static string Exported(Func<RSA, string> export)
    {
        using var key = RSA.Create(2048);
        return export(key);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddKeyedSingleton(DomainClock.Key, TimeProvider.System)
            .AddAlipay(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    private static OptionsValidationException Refusal(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
    }

    [Theory]
    [InlineData("Alipay:PrivateKey", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----")]
    [InlineData("Alipay:PrivateKey", "not base64, nor a file")]
    [InlineData("Alipay:AlipayPublicKey", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----")]
    [InlineData("Alipay:AlipayPublicKey", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")]
    public void A_key_that_does_not_parse_stops_the_start_naming_the_key(string setting, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alipay:AppId"] = "2021000000000001", ["Alipay:PrivateKey"] = PrivateKey, ["Alipay:AlipayPublicKey"] = AlipayPublicKey,
        };
        settings[setting] = value;

        var refusal = Refusal(settings);

        Assert.Contains(setting, refusal.Message);
    }

    [Fact]
    public void An_app_id_without_its_keys_stops_the_start_naming_them()
    {
        var refusal = Refusal(new Dictionary<string, string?> { ["Alipay:AppId"] = "2021000000000001" });

        Assert.Contains("Alipay:PrivateKey", refusal.Message);
    }

    [Fact]
    public void A_gateway_over_plain_http_elsewhere_than_this_machine_stops_the_start()
    {
        var refusal = Refusal(new Dictionary<string, string?>
        {
            ["Alipay:AppId"] = "2021000000000001", ["Alipay:PrivateKey"] = PrivateKey, ["Alipay:AlipayPublicKey"] = AlipayPublicKey,
            ["Alipay:Gateway"] = "http://openapi.alipay.com/gateway.do",
        });

        Assert.Contains("Alipay:Gateway", refusal.Message);
    }

    [Fact]
    public void Without_an_app_id_Alipay_is_registered_but_not_configured()
    {
        using var services = Services([]);
        services.GetRequiredService<IStartupValidator>().Validate();

        var alipay = services.GetServices<IOrderPaymentProvider>().Single(p => p.Name == "alipay");

        Assert.False(alipay.IsConfigured);
        Assert.Equal(AlipayOptions.ProductionGateway, services.GetRequiredService<IOptions<AlipayOptions>>().Value.Gateway);
    }

    [Fact]
    public async Task Without_an_app_id_orders_and_notifications_are_payments_not_configured()
    {
        using var services = Services([]);
        var alipay = services.GetServices<IOrderPaymentProvider>().Single(p => p.Name == "alipay");
        var order = new OrderPaymentRequest("ord_1", "Pro", 100, "cny", DateTimeOffset.UnixEpoch, OrderChannel.Pc,
            new Uri("https://tollgate.example/v1/webhooks/alipay"), null);
        var notification = new DefaultHttpContext().Request;
        notification.ContentType = "application/x-www-form-urlencoded";

        var start = await Assert.ThrowsAsync<OrderProviderException>(() => alipay.StartAsync(order, CancellationToken.None));
        var read = await Assert.ThrowsAsync<OrderProviderException>(
            () => alipay.ReadNotificationAsync(notification, CancellationToken.None));

        Assert.Equal(("payments_not_configured", false), (start.Code, start.IsTransient));
        Assert.Equal("payments_not_configured", read.Code);
    }
}
