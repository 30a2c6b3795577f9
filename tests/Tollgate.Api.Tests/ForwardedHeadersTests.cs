using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Api.Tests;

/// <summary>X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies.</summary>
public sealed class ForwardedHeadersTests : PeerTestBase
{
    private const string Proxy = "10.9.8.7";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16",
        ["RateLimits:Auth:PermitLimit"] = "3",
        ["RateLimits:Auth:Window"] = "00:01:00",
    };

    [Theory]
    [InlineData(Proxy, "203.0.113.7", "203.0.113.7")]       // the configured proxy: its client is recorded
    [InlineData("10.1.2.3", "203.0.113.8", "203.0.113.8")]  // a proxy in the configured network
    [InlineData("198.51.100.9", "203.0.113.66", "198.51.100.9")] // anyone else: the header is ignored
    public async Task The_audit_log_records_the_forwarded_client_only_behind_a_known_proxy(string peer, string forwardedFor, string recorded)
    {
        var api = await StartWithPeersAsync();
        var client = PeerFromTestHeader.Client(api, peer, forwardedFor, "https");

        var registered = await client.PostAsJsonAsync("/v1/auth/register", new { email = "proxied@example.com", password = "correct-horse" });
        var owner = await Json(registered);
        var log = await Json(await api.As(owner.GetProperty("accessToken").GetString()!)
            .GetAsync($"/v1/tenants/{owner.GetProperty("tenant").GetProperty("id").GetString()}/audit-log"));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.NotEmpty(log.GetProperty("items").EnumerateArray());
        Assert.All(log.GetProperty("items").EnumerateArray(), item => Assert.Equal(recorded, item.GetProperty("ip").GetString()));
        Assert.Equal(recorded != peer, registered.Headers.Contains("Strict-Transport-Security")); // X-Forwarded-Proto likewise
    }

    [Fact]
    public async Task Behind_the_proxy_each_client_has_its_own_limit_and_https_gets_a_secure_cookie()
    {
        var api = await StartWithPeersAsync();
        Task<HttpResponseMessage> Login(string client) => PeerFromTestHeader.Client(api, Proxy, client)
            .PostAsJsonAsync("/v1/auth/login", new { email = "nobody@example.com", password = "wrong-password" });

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login("203.0.113.1")).StatusCode);
        var limited = await Login("203.0.113.1");
        var other = await Login("203.0.113.2");
        var browser = new Browser(api);
        PeerFromTestHeader.Send(browser.Client, Proxy, "203.0.113.3", "https");
        var signedIn = await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);

        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        var cookie = Assert.Single(Browser.SetCookies(signedIn), c => c.StartsWith("tollgate.pages=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie);
        Assert.True(signedIn.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>
/// With no proxy configured no forwarded header counts, whoever sends it: loopback was among the
/// addresses ASP.NET Core trusts by default, so a peer elsewhere is tried too.
/// </summary>
public sealed class UntrustedForwardedHeadersTests : PeerTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Auth:PermitLimit"] = "3",
        ["RateLimits:Auth:Window"] = "00:01:00",
    };

    [Theory]
    [InlineData("198.51.100.9")]
    [InlineData("127.0.0.1")]
    public async Task Rotating_X_Forwarded_For_does_not_get_past_the_auth_limit(string peer)
    {
        var api = await StartWithPeersAsync();
        Task<HttpResponseMessage> Login(int i) => PeerFromTestHeader.Client(api, peer, $"203.0.113.{i}")
            .PostAsJsonAsync("/v1/auth/login", new { email = "nobody@example.com", password = "wrong-password" });

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login(i)).StatusCode);
        var register = await PeerFromTestHeader.Client(api, peer, "203.0.113.99")
            .PostAsJsonAsync("/v1/auth/register", new { email = "new@example.com", password = "correct-horse" });

        await AssertProblem(await Login(3), HttpStatusCode.TooManyRequests, "rate_limited");
        await AssertProblem(await Login(4), HttpStatusCode.TooManyRequests, "rate_limited");
        await AssertProblem(register, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task The_audit_log_records_the_peer_and_X_Forwarded_Proto_makes_no_secure_cookie_nor_HSTS()
    {
        const string peer = "198.51.100.9";
        var api = await StartWithPeersAsync();

        var registered = await PeerFromTestHeader.Client(api, peer, "203.0.113.66", "https")
            .PostAsJsonAsync("/v1/auth/register", new { email = "forged@example.com", password = "correct-horse" });
        var owner = await Json(registered);
        var log = await Json(await api.As(owner.GetProperty("accessToken").GetString()!)
            .GetAsync($"/v1/tenants/{owner.GetProperty("tenant").GetProperty("id").GetString()}/audit-log"));
        var browser = new Browser(api);
        PeerFromTestHeader.Send(browser.Client, peer, "203.0.113.67", "https");
        var signedIn = await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.NotEmpty(log.GetProperty("items").EnumerateArray());
        Assert.All(log.GetProperty("items").EnumerateArray(), item => Assert.Equal(peer, item.GetProperty("ip").GetString()));
        Assert.False(registered.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        var cookie = Assert.Single(Browser.SetCookies(signedIn), c => c.StartsWith("tollgate.pages=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie.ToLowerInvariant());
        Assert.False(signedIn.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>Tests whose clients choose the address they arrive from.</summary>
public abstract class PeerTestBase : ApiTestBase
{
    /// <summary>Restarts the API with <see cref="PeerFromTestHeader"/> in front of everything.</summary>
    protected async Task<ApiFactory> StartWithPeersAsync()
    {
        await Api.DisposeAsync();
        return await StartAsync(services: services => services.AddTransient<IStartupFilter, PeerFromTestHeader>());
    }
}

/// <summary>Sets the connection's remote address, which the test server leaves empty, from a header.</summary>
internal sealed class PeerFromTestHeader : IStartupFilter
{
    private const string Header = "X-Test-Peer";

    /// <summary>A client that arrives from <paramref name="peer"/>, sending the forwarded headers given.</summary>
    public static HttpClient Client(ApiFactory api, string peer, string forwardedFor, string? forwardedProto = null)
    {
        var client = api.CreateClient();
        Send(client, peer, forwardedFor, forwardedProto);
        return client;
    }

    public static void Send(HttpClient client, string peer, string forwardedFor, string? forwardedProto = null)
    {
        client.DefaultRequestHeaders.Add(Header, peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var peer))
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
            return nextMiddleware(context);
        });
        next(app);
    };
}
