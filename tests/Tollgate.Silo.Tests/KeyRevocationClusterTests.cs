using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL database, each caching the API keys it has authenticated: a key
/// revoked through one silo is refused by the other two within a second.
/// </summary>
public sealed class KeyRevocationClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private StorageTarget _database = null!;
    private readonly List<SiloProcess> _silos = [];

    public async Task InitializeAsync()
    {
        _database = await StorageTarget.CreateAsync(StorageProviderKind.PostgreSql);
        var cluster = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__ConnectionString"] = _database.ConnectionString,
            ["Orleans__ClusterId"] = _database.Id,
            ["Orleans__ServiceId"] = _database.Id,
        };
        for (var i = 0; i < 3; i++) _silos.Add(new SiloProcess(cluster));
        foreach (var silo in _silos) await silo.StartAsync(); // the first creates the schema and the operator
    }

    [Fact]
    public async Task A_key_revoked_through_one_silo_is_refused_by_the_other_two_within_a_second()
    {
        var tenant = await QuotaTenant.CreateAsync(_silos[0].BaseAddress, "revoke@example.com", "revoke-password", limit: 1_000);
        var apps = _silos.Select(silo => tenant.App(silo.BaseAddress)).ToArray();
        // Every silo authenticates the key, and so caches it.
        for (var i = 0; i < 3; i++)
            foreach (var app in apps) Assert.Equal(HttpStatusCode.OK, (await QuotaTenant.ConsumeAsync(app, $"before-{i}-{app.BaseAddress}")).StatusCode);

        using var owner = new HttpClient { BaseAddress = _silos[0].BaseAddress };
        var login = await owner.PostAsJsonAsync("/v1/auth/login", new { email = tenant.Email, password = tenant.Password });
        owner.DefaultRequestHeaders.Authorization = new("Bearer", (await JsonAsync(login)).GetProperty("accessToken").GetString());
        var keyId = (await JsonAsync(await owner.GetAsync($"/v1/tenants/{tenant.TenantId}/api-keys")))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/v1/tenants/{tenant.TenantId}/api-keys/{keyId}")).StatusCode);
        var revoked = Stopwatch.StartNew();

        foreach (var app in apps[1..])
        {
            for (var attempt = 0; ; attempt++)
            {
                var consume = await QuotaTenant.ConsumeAsync(app, $"after-{attempt}-{app.BaseAddress}");
                if (consume.StatusCode == HttpStatusCode.Unauthorized) break;
                Assert.Equal(HttpStatusCode.OK, consume.StatusCode);
                Assert.True(revoked.Elapsed < Bound, $"{app.BaseAddress} still accepted the key {revoked.Elapsed} after it was revoked");
                await Task.Delay(20);
            }
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await QuotaTenant.ConsumeAsync(apps[0], "after-on-the-revoking-silo")).StatusCode);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) silo.Dispose();
        await _database.DisposeAsync();
    }
}
