using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Identity;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>
/// Each silo keeps the identities of the keys it has authenticated and trusts them for
/// <c>Auth:ApiKeyCache:RevalidateAfter</c> (ten minutes here, so the clock can be moved within it).
/// </summary>
public sealed class ApiKeyCacheTests : ApiTestBase
{
    private static readonly TimeSpan RevalidateAfter = TimeSpan.FromMinutes(10);

    protected override StorageProviderKind Provider => StorageProviderKind.PostgreSql; // two silos form a cluster

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:ApiKeyCache:RevalidateAfter"] = RevalidateAfter.ToString("c"),
    };

    [Fact]
    public async Task A_cached_key_is_not_asked_of_its_grain_again_until_revalidation_as_its_last_use_shows()
    {
        var owner = await Api.RegisterAsync("cached@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:read");
        await AssertAuthenticatedAsync(Api, owner, key);
        var firstUse = await LastUsedAtAsync(owner);
        Assert.NotNull(firstUse);

        // Within the trust period the silo answers from its cache: the key's grain records no later use.
        Api.Clock.Advance(RevalidateAfter / 2);
        await AssertAuthenticatedAsync(Api, owner, key);
        Assert.Equal(firstUse, await LastUsedAtAsync(owner));

        // Past it, the grain is asked again, and records the use.
        Api.Clock.Advance(RevalidateAfter);
        await AssertAuthenticatedAsync(Api, owner, key);
        Assert.True(await LastUsedAtAsync(owner) >= firstUse + RevalidateAfter);
    }

    [Fact]
    public async Task A_cached_key_is_refused_once_it_expires_without_waiting_for_revalidation()
    {
        var owner = await Api.RegisterAsync("cached-expiry@example.com");
        var created = await Json(await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys",
            new { name = "short-lived", scopes = new[] { "quota:read" }, expiresAt = Api.Clock.GetUtcNow().AddMinutes(5) }));
        var key = created.GetProperty("key").GetString()!;
        await AssertAuthenticatedAsync(Api, owner, key);

        Api.Clock.Advance(TimeSpan.FromMinutes(6)); // expired, still well within the trust period

        await AssertProblem(await Api.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revocation_reaches_the_other_silo_at_once_and_one_that_missed_it_refuses_the_key_after_the_trust_period()
    {
        var owner = await Api.RegisterAsync("missed@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:read");
        // A platform key is forgotten the same way as a tenant's key.
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var platform = await Json(await ops.PostAsJsonAsync("/v1/admin/api-keys",
            new { name = "platform", scopes = new[] { "quota:read" } }));
        string[] both = [key, platform.GetProperty("key").GetString()!];
        var listening = await StartAsync(Api.Clock);
        // A silo cut off from revocations: its cache is subscribed, but never hears of one.
        var deaf = await StartAsync(Api.Clock, services => services.AddSingleton<IApiKeyCacheObserver, DeafObserver>());
        foreach (var silo in new[] { Api, listening, deaf })
            foreach (var each in both) await AssertAuthenticatedAsync(silo, owner, each);

        var keys = $"/v1/tenants/{owner.TenantId}/api-keys";
        var keyId = (await Json(await Api.As(owner.AccessToken).GetAsync(keys)))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await Api.As(owner.AccessToken).DeleteAsync($"{keys}/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await ops.DeleteAsync($"/v1/admin/api-keys/{platform.GetProperty("id").GetString()}")).StatusCode);

        foreach (var each in both)
        {
            // The revocation is acknowledged only once every listening silo has forgotten the key.
            await AssertProblem(await listening.WithApiKey(each).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
            await AssertProblem(await Api.WithApiKey(each).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
            // The deaf silo trusts what it cached, but only until the trust period runs out.
            await AssertAuthenticatedAsync(deaf, owner, each);
        }
        deaf.Clock.Advance(RevalidateAfter);
        foreach (var each in both)
            await AssertProblem(await deaf.WithApiKey(each).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// The key gets past authentication: the tenant's own URLs answer 403 (keys, a tenant's or the platform's, use the quota API
    /// only), not 401.
    /// </summary>
    private static async Task AssertAuthenticatedAsync(ApiFactory silo, Account owner, string key) =>
        await AssertProblem(await silo.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Forbidden);

    private async Task<DateTimeOffset?> LastUsedAtAsync(Account owner)
    {
        var listed = (await Json(await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/api-keys")))[0];
        return listed.GetProperty("lastUsedAt").GetDateTimeOffset();
    }

    private sealed class DeafObserver : IApiKeyCacheObserver
    {
        public Task Forget(string keyHash) => Task.CompletedTask;
    }
}
