using System.Net;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// A silo that cannot run as configured says why in one line per problem and exits with code 1
/// before Orleans starts: no stack trace, and no second silo listening on ports another one holds.
/// </summary>
public sealed class StartupRefusalTests
{
    [Fact]
    public async Task A_weak_admin_password_ends_start_up_with_one_line_naming_the_key_and_the_rule_and_exit_code_1()
    {
        using var silo = new SiloProcess(new Dictionary<string, string> { ["Admin__Password"] = "short" });

        Assert.Equal(1, await silo.RefusedStartExitCodeAsync());

        var lines = Lines(silo);
        Assert.Single(lines, line => line.Contains("Admin:Password") && line.Contains("at least 12 characters"));
        AssertNoStackTrace(silo);
        Assert.DoesNotContain(lines, line => line.Contains("Orleans.Runtime")); // refused before Orleans started
    }

    [Fact]
    public async Task Every_invalid_setting_gets_its_own_line_and_exit_code_1()
    {
        using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["ForwardedHeaders__KnownProxies__0"] = "10.0.0.300",
            ["ForwardedHeaders__KnownNetworks__0"] = "10.0.0.0/33",
            ["Auth__SigningKey"] = "too-short",
        });

        Assert.Equal(1, await silo.RefusedStartExitCodeAsync());

        var lines = Lines(silo);
        Assert.Single(lines, line => line.Contains("ForwardedHeaders:KnownProxies has '10.0.0.300'"));
        Assert.Single(lines, line => line.Contains("ForwardedHeaders:KnownNetworks has '10.0.0.0/33'"));
        Assert.Single(lines, line => line.Contains("Auth:SigningKey must be at least 32 bytes long."));
        AssertNoStackTrace(silo);
    }

    [Fact]
    public async Task An_Alipay_key_that_does_not_parse_ends_start_up_naming_the_key()
    {
        using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["Alipay__AppId"] = "2021000000000001",
            ["Alipay__PrivateKey"] = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
        });

        Assert.Equal(1, await silo.RefusedStartExitCodeAsync());

        Assert.Single(Lines(silo), line => line.Contains("Alipay:PrivateKey is not an RSA private key"));
        AssertNoStackTrace(silo);
    }

    [Fact]
    public async Task WeChat_Pay_keys_that_do_not_parse_end_start_up_naming_each_key()
    {
        using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["WeChatPay__MchId"] = "1900009191",
            ["WeChatPay__AppId"] = "wxd678efh567hg6787",
            ["WeChatPay__ApiV3Key"] = "not-32-bytes",
            ["WeChatPay__MerchantPrivateKey"] = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
            ["WeChatPay__MerchantSerialNo"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            ["WeChatPay__PlatformPublicKey"] = "/nonexistent/pub_key.pem",
            ["WeChatPay__PlatformPublicKeyId"] = "PUB_KEY_ID_0119000091912025120600000000000001",
        });

        Assert.Equal(1, await silo.RefusedStartExitCodeAsync());

        var lines = Lines(silo);
        Assert.Single(lines, line => line.Contains("WeChatPay:ApiV3Key must be 32 ASCII characters"));
        Assert.Single(lines, line => line.Contains("WeChatPay:MerchantPrivateKey does not parse"));
        Assert.Single(lines, line => line.Contains("WeChatPay:PlatformPublicKey is neither PEM text nor the path of a readable file"));
        AssertNoStackTrace(silo);
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_second_silo_on_the_same_Orleans_ports_exits_with_code_1_and_the_first_serves_on(StorageProviderKind provider)
    {
        await using var database = await StorageTarget.CreateAsync(provider);
        var ports = new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
        };
        if (provider == StorageProviderKind.PostgreSql)
        {
            // One cluster on one database: the second silo would otherwise join it at the first one's address.
            ports["Storage__Provider"] = "PostgreSql";
            ports["Storage__ConnectionString"] = database.ConnectionString;
            ports["Orleans__ClusterId"] = ports["Orleans__ServiceId"] = database.Id;
        }
        using var first = new SiloProcess(ports);
        using var second = new SiloProcess(ports);
        await first.StartAsync();

        Assert.Equal(1, await second.RefusedStartExitCodeAsync());

        var lines = Lines(second);
        Assert.Single(lines, line => line.Contains($"Orleans:SiloPort {ports["Orleans__SiloPort"]} is in use"));
        Assert.Single(lines, line => line.Contains($"Orleans:GatewayPort {ports["Orleans__GatewayPort"]} is in use"));
        AssertNoStackTrace(second);
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    private static List<string> Lines(SiloProcess silo)
    {
        lock (silo.Output) return [.. silo.Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static void AssertNoStackTrace(SiloProcess silo)
    {
        var output = silo.Output.ToString();
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Exception:", output);
        Assert.DoesNotContain("   at ", output);
    }
}
