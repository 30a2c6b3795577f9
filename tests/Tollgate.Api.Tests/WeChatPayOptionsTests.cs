using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary><c>WeChatPay:*</c> checked as the silo checks it at start (<c>ValidateOnStart</c>): a failure names the key.</summary>
public sealed class WeChatPayOptionsTests : IAsyncLifetime
{
    private FakeWeChatPay _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeWeChatPay.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Dictionary<string, string?> Settings(string key, string? value) => new(_fake.Configuration) { [key] = value };

    /// <summary>What the host runs before it starts: the options registered with <c>ValidateOnStart</c>, validated.</summary>
    private static void ValidateOnStart(IReadOnlyDictionary<string, string?> settings)
    {
        using var services = WeChatPayProviders.Services(settings);
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void The_fakes_settings_are_valid_and_configure_WeChat_Pay()
    {
        ValidateOnStart(_fake.Configuration);
        using var services = WeChatPayProviders.Services(_fake.Configuration);
        Assert.True(services.Provider().IsConfigured);
    }

    [Fact]
    public void Without_a_merchant_id_WeChat_Pay_is_not_configured_and_the_silo_starts()
    {
        var settings = new Dictionary<string, string?> { ["WeChatPay:ApiV3Key"] = "short" };

        ValidateOnStart(settings);
        using var services = WeChatPayProviders.Services(settings);
        Assert.False(services.Provider().IsConfigured);
    }

    [Theory]
    [InlineData("WeChatPay:ApiV3Key", "0123456789abcdef0123456789abcde")] // 31 characters
    [InlineData("WeChatPay:ApiV3Key", "0123456789abcdef0123456789abcdé0")] // 32 characters, not ASCII
    [InlineData("WeChatPay:ApiV3Key", null)]
    [InlineData("WeChatPay:MerchantPrivateKey", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----")]
    [InlineData("WeChatPay:MerchantPrivateKey", "/nonexistent/apiclient_key.pem")]
    [InlineData("WeChatPay:PlatformPublicKey", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----")]
    [InlineData("WeChatPay:PlatformPublicKey", null)]
    [InlineData("WeChatPay:AppId", "")]
    [InlineData("WeChatPay:MerchantSerialNo", null)]
    [InlineData("WeChatPay:PlatformPublicKeyId", " ")]
    public void A_key_that_is_missing_or_does_not_parse_stops_the_start_naming_the_key(string key, string? value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(Settings(key, value)));

        Assert.Contains(key, Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_key_where_the_merchant_private_key_belongs_stops_the_start()
    {
        using var rsa = RSA.Create(2048);

        var failure = Assert.Throws<OptionsValidationException>(() =>
            ValidateOnStart(Settings("WeChatPay:MerchantPrivateKey", rsa.ExportSubjectPublicKeyInfoPem())));

        Assert.Contains("WeChatPay:MerchantPrivateKey", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_may_be_given_as_the_paths_of_their_PEM_files()
    {
        var directory = Directory.CreateTempSubdirectory("tollgate-wechatpay-");
        try
        {
            var merchant = Path.Combine(directory.FullName, "apiclient_key.pem");
            var platform = Path.Combine(directory.FullName, "pub_key.pem");
            await File.WriteAllTextAsync(merchant, _fake.Configuration["WeChatPay:MerchantPrivateKey"], CancellationToken.None);
            await File.WriteAllTextAsync(platform, _fake.Configuration["WeChatPay:PlatformPublicKey"], CancellationToken.None);
            var settings = new Dictionary<string, string?>(_fake.Configuration)
            {
                ["WeChatPay:MerchantPrivateKey"] = merchant, ["WeChatPay:PlatformPublicKey"] = platform,
            };

            ValidateOnStart(settings);
            await using var services = WeChatPayProviders.Services(settings);
            var start = await services.Provider().StartAsync(new Payments.Orders.OrderPaymentRequest("ord_files", "Pro", 100, "cny",
                DateTimeOffset.UtcNow.AddMinutes(15), Payments.Orders.OrderChannel.Pc, new Uri("https://tollgate.example.com/n"), null),
                CancellationToken.None);

            Assert.NotNull(start.CodeUrl); // signed with the key from the file, verified with the key from the other file
            Assert.True(Assert.Single(_fake.Requests).SignatureVerified);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
