using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Tests;

/// <summary>Headers every response carries, whatever answered it.</summary>
public sealed class SecurityHeaderTests(SharedApi shared) : SharedApiTestBase(shared)
{
    [Fact]
    public async Task Success_error_redirect_and_page_responses_all_carry_the_security_headers()
    {
        var browser = new Browser(Api);
        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["200 login"] = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = ApiFactory.OperatorEmail, password = ApiFactory.OperatorPassword }),
            ["200 plans"] = await Api.Anonymous().GetAsync("/v1/plans"),
            ["200 health"] = await Api.Anonymous().GetAsync("/health/live"),
            ["400"] = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "nope" }),
            ["401"] = await Api.Anonymous().GetAsync("/v1/me"),
            ["404"] = await Api.Anonymous().GetAsync("/nothing-here"),
            ["302 page"] = await browser.GetAsync("/ops"),
            ["200 page"] = await browser.GetAsync("/signin"),
        };

        foreach (var (name, response) in responses)
        {
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", name);
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", name);
            Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frames) && frames.Single() == "DENY", name);
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single().Contains("frame-ancestors 'none'"), name);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{name}: Cache-Control {response.Headers.CacheControl}");
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{name}: HSTS over plain HTTP");
            Assert.False(response.Headers.Contains("Server"), name);
        }
        Assert.Contains("default-src 'none'", responses["200 login"].Headers.GetValues("Content-Security-Policy").Single());
        // Tollgate's pages load only their own stylesheet and script.
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
            responses["200 page"].Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task HTTPS_responses_carry_HSTS()
    {
        var browser = new Browser(Api, new Uri("https://tollgate.example"));

        var api = await browser.GetAsync("/v1/plans");
        var page = await browser.GetAsync("/signin");

        Assert.Equal("max-age=31536000", api.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public void Kestrel_sends_no_Server_header()
    {
        // The test server never sends one, so the setting Kestrel would use is checked instead.
        Assert.False(Api.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }
}
