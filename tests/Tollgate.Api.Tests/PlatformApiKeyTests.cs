using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>One silo with the catalog and a tool for <see cref="PlatformApiKeyTests"/>, each of which makes tenants of its own.</summary>
public sealed class PlatformKeysSilo : IAsyncLifetime
{
    public const string Tool = "chat/image"; // 2 credits a unit

    private readonly SharedApi _shared = new();

    public ApiFactory Api => _shared.Api;

    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _shared.InitializeAsync();
        Operator = await CreateAsync(Api);
        var tool = await Operator.PostAsJsonAsync("/v1/admin/apps/chat/tools", new { key = "image", name = "Image", creditsPerUnit = 2 });
        Assert.Equal(HttpStatusCode.Created, tool.StatusCode);
    }

    public Task DisposeAsync() => _shared.DisposeAsync();
}

/// <summary>
/// Platform keys, made by the operator, act for whichever tenant a request names, within their scopes, on the quota, credits
/// and usage routes only; a tenant's own key goes on acting for its tenant alone.
/// </summary>
public sealed class PlatformApiKeyTests(PlatformKeysSilo silo) : ApiTestHelpers, IClassFixture<PlatformKeysSilo>
{
    private const string Tool = PlatformKeysSilo.Tool;
    private static readonly string[] AllScopes = ["quota:consume", "quota:read", "credits:consume", "credits:read"];

    private ApiFactory Api => silo.Api;
    private HttpClient Ops => silo.Operator;

    [Fact]
    public async Task A_platform_key_is_shown_once_listed_without_its_secret_audited_and_refused_at_once_when_revoked()
    {
        var tenant = await Api.RegisterAsync("pk-revoke@example.com");
        var created = await Ops.PostAsJsonAsync("/v1/admin/api-keys",
            new { name = "billing-proxy", scopes = new[] { "quota:consume" }, expiresAt = DateTimeOffset.UtcNow.AddDays(30) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("tg_", key);
        Assert.Equal(key[..10], body.GetProperty("prefix").GetString());
        Assert.Equal($"/v1/admin/api-keys/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(["quota:consume"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        // Used once: this silo now holds the key in its cache, trusted for longer than the test takes.
        var app = Api.WithApiKey(key);
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(app, tenant.TenantId, 1)).StatusCode);

        var listedKeys = await Json(await Ops.GetAsync("/v1/admin/api-keys"));
        var listed = Assert.Single(listedKeys.EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.DoesNotContain(key[10..], listedKeys.GetRawText());
        Assert.Equal("billing-proxy", listed.GetProperty("name").GetString());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await Ops.DeleteAsync($"/v1/admin/api-keys/{id}")).StatusCode);

        await AssertProblem(await ConsumeAsync(app, tenant.TenantId, 1), HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(await ListedIdsAsync(), listedId => listedId == id);
        await AssertProblem(await Ops.DeleteAsync($"/v1/admin/api-keys/{id}"), HttpStatusCode.NotFound, "not_found");

        // The platform's audit log has both changes, by the operator, and never the key.
        var log = await Json(await Ops.GetAsync("/v1/admin/audit-log?limit=500"));
        var entries = log.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("resourceId").GetString() == id).ToList();
        Assert.Equal(["platform_apikey.revoked", "platform_apikey.created"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("user", e.GetProperty("actor").GetProperty("type").GetString()));
        Assert.Equal("billing-proxy", entries[1].GetProperty("after").GetProperty("name").GetString());
        Assert.DoesNotContain(key[10..], log.GetRawText());
    }

    [Fact]
    public async Task Only_operators_make_list_and_revoke_platform_keys_and_a_key_needs_a_name_known_scopes_and_a_future_expiry()
    {
        var owner = await Api.RegisterAsync("pk-owner@example.com");
        var (keyId, platformKey) = await CreateKeyAsync("quota:read");
        var tenantKey = await Api.IssueApiKeyAsync(owner, "quota:consume", "quota:read");
        foreach (var caller in new[] { Api.As(owner.AccessToken), Api.WithApiKey(tenantKey), Api.WithApiKey(platformKey) })
        {
            await AssertProblem(await caller.PostAsJsonAsync("/v1/admin/api-keys", new { name = "mine", scopes = AllScopes }),
                HttpStatusCode.Forbidden);
            await AssertProblem(await caller.GetAsync("/v1/admin/api-keys"), HttpStatusCode.Forbidden);
            await AssertProblem(await caller.DeleteAsync($"/v1/admin/api-keys/{keyId}"), HttpStatusCode.Forbidden);
        }
        await AssertProblem(await Api.Anonymous().GetAsync("/v1/admin/api-keys"), HttpStatusCode.Unauthorized);
        Assert.Contains(keyId, await ListedIdsAsync());

        var before = (await Json(await Ops.GetAsync("/v1/admin/api-keys"))).GetArrayLength();
        foreach (var bad in new object[]
        {
            new { name = "k", scopes = Array.Empty<string>() },
            new { name = "k", scopes = new[] { "admin:all" } },
            new { scopes = new[] { "quota:read" } },
            new { name = "k", scopes = new[] { "quota:read" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) },
        })
            await AssertProblem(await Ops.PostAsJsonAsync("/v1/admin/api-keys", bad), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(before, (await Json(await Ops.GetAsync("/v1/admin/api-keys"))).GetArrayLength());
    }

    [Fact]
    public async Task One_platform_key_consumes_checks_refunds_and_reads_quotas_and_usage_for_two_tenants_as_itself()
    {
        var a = await Api.RegisterAsync("pk-quota-a@example.com");
        var b = await Api.RegisterAsync("pk-quota-b@example.com");
        var (keyId, key) = await CreateKeyAsync("quota:consume", "quota:read");
        var app = Api.WithApiKey(key);

        var consumedA = await Json(await ConsumeAsync(app, a.TenantId, 3));
        var consumedB = await ConsumeAsync(app, b.TenantId, 5);
        Assert.Equal(HttpStatusCode.OK, consumedB.StatusCode);
        Assert.Equal("95", consumedB.Headers.GetValues("X-Quota-Remaining").Single());
        Assert.Equal(97, consumedA.GetProperty("remaining").GetInt64());
        var check = await app.PostAsJsonAsync("/v1/quota/check", new { quotaType = Messages, amount = 96, tenantId = b.TenantId });
        await AssertProblem(check, HttpStatusCode.PaymentRequired, "quota_exceeded");
        var fits = await app.PostAsJsonAsync("/v1/quota/check", new { quotaType = Messages, amount = 96, tenantId = a.TenantId });
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        var refund = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 1, consumeId = consumedA.GetProperty("consumeId").GetString(), tenantId = a.TenantId });
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        // A consume is its tenant's: named under the other tenant, it is not found there.
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 1, consumeId = consumedA.GetProperty("consumeId").GetString(), tenantId = b.TenantId }),
            HttpStatusCode.NotFound, "unknown_consume");

        Assert.Equal(2, await UsedAsync(app, a.TenantId));
        Assert.Equal(5, await UsedAsync(app, b.TenantId));
        Assert.Equal(2, await UsedAsync(Api.As(a.AccessToken), a.TenantId)); // what the tenant itself sees
        var usageA = (await Json(await app.GetAsync($"/v1/tenants/{a.TenantId}/usage?groupBy=month"))).GetProperty("items")[0];
        Assert.Equal((3, 1, 2),
            (usageA.GetProperty("consumed").GetInt64(), usageA.GetProperty("refunded").GetInt64(), usageA.GetProperty("net").GetInt64()));
        var usageB = (await Json(await app.GetAsync($"/v1/tenants/{b.TenantId}/usage"))).GetProperty("items")[0];
        Assert.Equal(5, usageB.GetProperty("net").GetInt64());

        // The tenant's own usage records name the platform key as the actor, as a kind of actor of its own.
        var csv = await (await Api.As(a.AccessToken).GetAsync($"/v1/tenants/{a.TenantId}/usage?format=csv")).Content.ReadAsStringAsync();
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(2, rows.Length);
        Assert.All(rows, row => Assert.Contains($"\"platformKey\",\"{keyId}\"", row));
    }

    [Fact]
    public async Task One_platform_key_spends_refunds_and_reserves_credits_for_two_tenants_and_their_ledgers_name_it()
    {
        var a = await TenantWithCreditsAsync("pk-credits-a@example.com", 100);
        var b = await TenantWithCreditsAsync("pk-credits-b@example.com", 10);
        var (keyId, key) = await CreateKeyAsync("credits:consume", "credits:read");
        var app = Api.WithApiKey(key);

        var spent = await app.PostAsJsonAsync("/v1/credits/consume", new { tool = Tool, units = 5, tenantId = a.TenantId });
        Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        Assert.Equal("90", spent.Headers.GetValues("X-Credits-Remaining").Single());
        await AssertProblem(await app.PostAsJsonAsync("/v1/credits/consume", new { tool = Tool, units = 6, tenantId = b.TenantId }),
            HttpStatusCode.PaymentRequired, "insufficient_credits");
        var refunded = await app.PostAsJsonAsync("/v1/credits/refund",
            new { spendId = (await Json(spent)).GetProperty("spendId").GetString(), credits = 4, tenantId = a.TenantId });
        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);

        var held = await app.PostAsJsonAsync("/v1/credits/reservations",
            new { tool = Tool, units = 3, ttlSeconds = 600, tenantId = b.TenantId });
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        var reservation = (await Json(held)).GetProperty("id").GetString();
        // A reservation is its tenant's: another tenant has none with that id.
        await AssertProblem(await app.PostAsJsonAsync($"/v1/credits/reservations/{reservation}/settle",
            new { units = 1, tenantId = a.TenantId }), HttpStatusCode.NotFound, "unknown_reservation");
        var settled = await app.PostAsJsonAsync($"/v1/credits/reservations/{reservation}/settle", new { units = 2, tenantId = b.TenantId });
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var second = (await Json(await app.PostAsJsonAsync("/v1/credits/reservations",
            new { tool = Tool, units = 1, ttlSeconds = 600, tenantId = b.TenantId }))).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK,
            (await app.PostAsJsonAsync($"/v1/credits/reservations/{second}/release", new { tenantId = b.TenantId })).StatusCode);

        Assert.Equal(94, (await Json(await app.GetAsync($"/v1/tenants/{a.TenantId}/credits"))).GetProperty("available").GetInt64());
        Assert.Equal(6, (await Json(await app.GetAsync($"/v1/tenants/{b.TenantId}/credits"))).GetProperty("available").GetInt64());
        var ledgerA = (await Json(await app.GetAsync($"/v1/tenants/{a.TenantId}/credits/ledger"))).GetProperty("items")
            .EnumerateArray().ToList();
        var byKey = ledgerA.Where(e => e.GetProperty("kind").GetString() is "spend" or "refund").ToList();
        Assert.Equal(2, byKey.Count);
        Assert.All(byKey, e => Assert.Equal(("platformKey", keyId),
            (e.GetProperty("actor").GetProperty("type").GetString(), e.GetProperty("actor").GetProperty("id").GetString())));
    }

    [Fact]
    public async Task A_platform_key_must_name_an_existing_tenant_and_stays_within_its_scopes()
    {
        var tenant = await TenantWithCreditsAsync("pk-scopes@example.com", 10);
        var (_, reader) = await CreateKeyAsync("quota:read");
        var app = Api.WithApiKey(reader);
        var (_, full) = await CreateKeyAsync(AllScopes);
        var fullApp = Api.WithApiKey(full);

        // Without tenantId it cannot tell whose quota: 400 naming the field.
        var missing = await fullApp.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 });
        await AssertProblem(missing, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await Json(missing)).GetProperty("errors").TryGetProperty("tenantId", out _));
        await AssertProblem(await fullApp.PostAsJsonAsync("/v1/credits/consume", new { tool = Tool, units = 1 }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await fullApp.PostAsJsonAsync("/v1/quota/check", new { quotaType = Messages, amount = 1, tenantId = " " }),
            HttpStatusCode.BadRequest, "validation_failed");

        // A tenant that does not exist: 404, as another tenant is for a tenant's key.
        const string nobody = "ten_00000000000000000000000000000000";
        await AssertProblem(await ConsumeAsync(fullApp, nobody, 1), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await ConsumeAsync(fullApp, new string('x', 5000), 1), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await fullApp.PostAsJsonAsync("/v1/credits/consume", new { tool = Tool, units = 1, tenantId = nobody }),
            HttpStatusCode.NotFound, "not_found");
        foreach (var path in new[] { "quotas", "credits", "credits/ledger", "usage" })
            await AssertProblem(await fullApp.GetAsync($"/v1/tenants/{nobody}/{path}"), HttpStatusCode.NotFound, "not_found");

        // quota:read reads quotas and usage, and checks; it neither consumes nor touches credits.
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync($"/v1/tenants/{tenant.TenantId}/quotas")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync($"/v1/tenants/{tenant.TenantId}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await app.PostAsJsonAsync("/v1/quota/check",
                new { quotaType = Messages, amount = 1, tenantId = tenant.TenantId })).StatusCode);
        await AssertProblem(await ConsumeAsync(app, tenant.TenantId, 1), HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 1, consumeId = "cns_0", tenantId = tenant.TenantId }), HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync("/v1/credits/consume", new { tool = Tool, units = 1, tenantId = tenant.TenantId }),
            HttpStatusCode.Forbidden);
        await AssertProblem(await app.GetAsync($"/v1/tenants/{tenant.TenantId}/credits"), HttpStatusCode.Forbidden);
        await AssertProblem(await app.GetAsync($"/v1/tenants/{tenant.TenantId}/credits/ledger"), HttpStatusCode.Forbidden);
        // A key without the scope learns nothing of which tenants exist.
        await AssertProblem(await ConsumeAsync(app, nobody, 1), HttpStatusCode.Forbidden);
        Assert.Equal(0, await UsedAsync(Api.As(tenant.AccessToken), tenant.TenantId));
        Assert.Equal(10, (await Json(await Api.As(tenant.AccessToken).GetAsync($"/v1/tenants/{tenant.TenantId}/credits")))
            .GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task A_platform_key_reaches_no_other_route_and_a_tenants_key_still_acts_for_its_tenant_alone()
    {
        var owner = await Api.RegisterAsync("pk-routes@example.com");
        var other = await Api.RegisterAsync("pk-routes-other@example.com");
        var (_, key) = await CreateKeyAsync(AllScopes);
        var app = Api.WithApiKey(key);
        var t = owner.TenantId;

        foreach (var path in new[]
        {
            $"/v1/tenants/{t}", $"/v1/tenants/{t}/members", $"/v1/tenants/{t}/api-keys", $"/v1/tenants/{t}/audit-log",
            $"/v1/tenants/{t}/subscription", $"/v1/tenants/{t}/invoices", $"/v1/tenants/{t}/alerts", $"/v1/tenants/{t}/webhook-endpoints",
            "/v1/me", "/v1/admin/tenants", "/v1/admin/catalog", "/v1/admin/audit-log",
        })
            await AssertProblem(await app.GetAsync(path), HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync($"/v1/tenants/{t}/api-keys", new { name = "x", scopes = AllScopes }),
            HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync("/v1/tenants", new { name = "mine" }), HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync("/v1/admin/apps", new { id = "pk", name = "PK" }), HttpStatusCode.Forbidden);
        await AssertProblem(await app.PostAsJsonAsync($"/v1/tenants/{t}/subscription", new { planId = "plus" }), HttpStatusCode.Forbidden);
        Assert.Empty((await Json(await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{t}/api-keys"))).EnumerateArray());

        // A tenant's key: its own tenant's usage with quota:read (and without tenantId in the body), no other tenant's.
        var tenantKey = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume", "quota:read"));
        Assert.Equal(HttpStatusCode.OK,
            (await tenantKey.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 4 })).StatusCode);
        var usage = await Json(await tenantKey.GetAsync($"/v1/tenants/{t}/usage"));
        Assert.Equal(4, usage.GetProperty("items")[0].GetProperty("net").GetInt64());
        await AssertProblem(await tenantKey.GetAsync($"/v1/tenants/{other.TenantId}/usage"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await ConsumeAsync(tenantKey, other.TenantId, 1), HttpStatusCode.NotFound, "not_found");
        var consumeOnly = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));
        await AssertProblem(await consumeOnly.GetAsync($"/v1/tenants/{t}/usage"), HttpStatusCode.Forbidden);
        await AssertProblem(await tenantKey.GetAsync($"/v1/tenants/{t}"), HttpStatusCode.Forbidden);
        Assert.Equal(0, await UsedAsync(Api.As(other.AccessToken), other.TenantId));
    }

    private async Task<(string Id, string Key)> CreateKeyAsync(params string[] scopes)
    {
        var response = await Ops.PostAsJsonAsync("/v1/admin/api-keys", new { name = "app", scopes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    private async Task<Account> TenantWithCreditsAsync(string email, long credits)
    {
        var account = await Api.RegisterAsync(email);
        using var grant = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/tenants/{account.TenantId}/credits/grants")
        {
            Content = JsonContent.Create(new { amount = credits, source = "promotion", reason = "welcome" }),
        };
        grant.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, (await Ops.SendAsync(grant)).StatusCode);
        return account;
    }

    private static Task<HttpResponseMessage> ConsumeAsync(HttpClient app, string tenantId, long amount) =>
        app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount, tenantId });

    private static async Task<long> UsedAsync(HttpClient client, string tenantId)
    {
        var response = await client.GetAsync($"/v1/tenants/{tenantId}/quotas");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json(response)).EnumerateArray().Single(q => q.GetProperty("quotaType").GetString() == Messages)
            .GetProperty("used").GetInt64();
    }

    private async Task<List<string>> ListedIdsAsync() =>
        (await Json(await Ops.GetAsync("/v1/admin/api-keys"))).EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToList();
}
