using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Tollgate.Api.Tests;

/// <summary>The per-address limit on the credential endpoints, set low here (the other tests set it high).</summary>
public sealed class RateLimitTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Auth:PermitLimit"] = "4",
        ["RateLimits:Auth:Window"] = "00:01:00",
    };

    [Fact]
    public async Task Logins_registrations_and_refreshes_from_one_address_past_the_limit_get_429_with_Retry_After()
    {
        var alice = await Api.RegisterAsync("alice@example.com"); // 1
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = alice.Email, password = alice.Password })).StatusCode);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "bob@example.com", password = "wrong-password" }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = alice.RefreshToken })).StatusCode); // 4

        var login = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = alice.Email, password = alice.Password });
        var register = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "carol@example.com", password = "carol-password" });
        var signIn = await new Browser(Api).SignInAsync(alice.Email, alice.Password);

        await AssertProblem(login, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(int.Parse(login.Headers.GetValues("Retry-After").Single()), 1, 60);
        await AssertProblem(register, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(register.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
        // Other routes are not limited, and the refused registration created nothing.
        Assert.Equal(HttpStatusCode.OK, (await Api.As(alice.AccessToken).GetAsync("/v1/me")).StatusCode);
        var grains = Api.Services.GetRequiredService<IGrainFactory>();
        Assert.Null(await grains.GetGrain<Grains.Identity.IEmailAccountGrain>("carol@example.com").GetUserId());
    }

    [Fact]
    public async Task The_quota_path_is_not_limited_per_key_by_default()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:read", "quota:consume"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => app.PostAsJsonAsync("/v1/quota/check", new { quotaType = "chat/messages", amount = 1 })));

        Assert.DoesNotContain(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
    }
}

/// <summary>The per-key limit on <c>/v1/quota/*</c>, turned on.</summary>
public sealed class QuotaRateLimitTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Quota:PermitLimit"] = "3",
        ["RateLimits:Quota:Window"] = "00:01:00",
    };

    [Fact]
    public async Task With_the_per_key_limit_on_each_key_is_limited_on_its_own()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var first = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:read"));
        var second = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:read"));
        Task<HttpResponseMessage> Check(HttpClient app) => app.PostAsJsonAsync("/v1/quota/check", new { quotaType = "chat/messages", amount = 1 });

        for (var i = 0; i < 3; i++) Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Check(first)).StatusCode);
        var limited = await Check(first);

        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Check(second)).StatusCode);
        // People's routes are not under the per-key limit.
        Assert.Equal(HttpStatusCode.OK, (await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/quotas")).StatusCode);
    }
}
