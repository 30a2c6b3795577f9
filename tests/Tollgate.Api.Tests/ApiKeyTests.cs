using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

public sealed class ApiKeyTests : ApiTestBase
{
    [Fact]
    public async Task A_key_is_shown_once_authenticates_as_its_tenant_and_is_refused_once_revoked()
    {
        var owner = await Api.RegisterAsync("keys@example.com");
        var client = Api.As(owner.AccessToken);

        var created = await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys",
            new { name = "backend", scopes = new[] { "quota:consume", "quota:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(30) });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("tg_", key);
        Assert.True(key.Length - 3 >= 22, "at least 128 bits of base64url entropy");
        Assert.Equal(key[..10], body.GetProperty("prefix").GetString());
        Assert.Equal(["quota:consume", "quota:read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        // The key authenticates as its tenant: it reaches the tenant's URLs (and is told it may only
        // use the quota API), and other tenants stay invisible to it.
        await AssertProblem(await Api.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Forbidden);
        var listed = Assert.Single((await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/api-keys"))).EnumerateArray());
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.Equal("backend", listed.GetProperty("name").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/tenants/{owner.TenantId}/api-keys/{id}")).StatusCode);

        await AssertProblem(await Api.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
        Assert.Empty((await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/api-keys"))).EnumerateArray());
        await AssertProblem(await client.DeleteAsync($"/v1/tenants/{owner.TenantId}/api-keys/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Keys_need_a_name_known_scopes_and_a_future_expiry()
    {
        var owner = await Api.RegisterAsync("badkeys@example.com");
        var client = Api.As(owner.AccessToken);
        var url = $"/v1/tenants/{owner.TenantId}/api-keys";

        await AssertProblem(await client.PostAsJsonAsync(url, new { name = "k", scopes = Array.Empty<string>() }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync(url, new { name = "k", scopes = new[] { "admin:all" } }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync(url, new { scopes = new[] { "quota:read" } }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync(url, new { name = "k", scopes = new[] { "quota:read" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }), HttpStatusCode.BadRequest, "validation_failed");

        Assert.Empty((await Json(await client.GetAsync(url))).EnumerateArray());
    }

    [Fact]
    public async Task An_expired_key_is_refused()
    {
        var owner = await Api.RegisterAsync("expiring@example.com");
        var created = await Json(await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys",
            new { name = "short-lived", scopes = new[] { "quota:read" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(5) }));
        var key = created.GetProperty("key").GetString()!;
        await AssertProblem(await Api.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Forbidden);

        Api.Clock.Advance(TimeSpan.FromMinutes(6));

        await AssertProblem(await Api.WithApiKey(key).GetAsync($"/v1/tenants/{owner.TenantId}"), HttpStatusCode.Unauthorized);
    }
}
