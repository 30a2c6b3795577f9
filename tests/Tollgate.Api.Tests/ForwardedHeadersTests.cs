using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Api.Tests;

/// <summary>X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies.</summary>
public sealed class ForwardedHeadersTests : ApiTestBase
{
    private const string Proxy = "10.9.8.7";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16",
    };

    [Theory]
    [InlineData(Proxy, "203.0.113.7", "203.0.113.7")]       // the configured proxy: its client is recorded
    [InlineData("10.1.2.3", "203.0.113.8", "203.0.113.8")]  // a proxy in the configured network
    [InlineData("198.51.100.9", "203.0.113.66", "198.51.100.9")] // anyone else: the header is ignored
    public async Task The_audit_log_records_the_forwarded_client_only_behind_a_known_proxy(string peer, string forwardedFor, string recorded)
    {
        await Api.DisposeAsync();
        var api = await StartAsync(services: s => s.AddTransient<IStartupFilter, PeerFromTestHeader>());
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(PeerFromTestHeader.Header, peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var registered = await client.PostAsJsonAsync("/v1/auth/register", new { email = "proxied@example.com", password = "correct-horse" });
        var owner = await Json(registered);
        var log = await Json(await api.As(owner.GetProperty("accessToken").GetString()!)
            .GetAsync($"/v1/tenants/{owner.GetProperty("tenant").GetProperty("id").GetString()}/audit-log"));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.NotEmpty(log.GetProperty("items").EnumerateArray());
        Assert.All(log.GetProperty("items").EnumerateArray(), item => Assert.Equal(recorded, item.GetProperty("ip").GetString()));
        Assert.Equal(recorded != peer, registered.Headers.Contains("Strict-Transport-Security")); // X-Forwarded-Proto likewise
    }

    /// <summary>Sets the connection's remote address, which the test server leaves empty, from a header.</summary>
    private sealed class PeerFromTestHeader : IStartupFilter
    {
        public const string Header = "X-Test-Peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var peer)) context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
