using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Tollgate.Storage;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>Two silos on one PostgreSQL database: version checks keep the counter exact.</summary>
public sealed class TwoSiloQuotaTests : ApiTestBase
{
    protected override StorageProviderKind Provider => StorageProviderKind.PostgreSql;

    /// <summary>The catalog, a tenant with an API key for consumes, and a second silo on the same database.</summary>
    private async Task<(Account Owner, string Key, ApiFactory Second)> TwoSilosAsync(string email)
    {
        await CreateAsync(Api);
        var owner = await Api.RegisterAsync(email);
        return (owner, await Api.IssueApiKeyAsync(owner, "quota:consume"), await StartAsync());
    }

    [Fact]
    public async Task A_thousand_concurrent_consumes_across_two_silos_give_exactly_100_successes()
    {
        var (owner, key, second) = await TwoSilosAsync("two@example.com");
        HttpClient[] apps = [Api.WithApiKey(key), second.WithApiKey(key)];

        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i =>
            apps[i % 2].PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(900, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        await Api.DisposeAsync();
        await second.DisposeAsync();
        var reader = await StartAsync(); // reads what storage holds
        var login = await Json(await reader.Anonymous().PostAsJsonAsync("/v1/auth/login",
            new { email = owner.Email, password = owner.Password }));
        var client = reader.As(login.GetProperty("accessToken").GetString()!);
        var quotas = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/quotas"));
        Assert.Equal(100,
            quotas.EnumerateArray().Single(q => q.GetProperty("quotaType").GetString() == Messages).GetProperty("used").GetInt64());
        var usage = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?quotaType={Messages}"));
        Assert.Equal(100,
            usage.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("consumed").GetInt64())); // a day's total the counter held
    }

    [Fact]
    public async Task A_consume_id_from_one_silo_refunds_through_the_other_and_unkeyed_consumes_store_no_entry()
    {
        var (owner, key, second) = await TwoSilosAsync("ids@example.com");
        var consumed = await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 7 });
        Assert.Equal(HttpStatusCode.OK,
            (await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
        var id = (await Json(consumed)).GetProperty("consumeId").GetString();
        Assert.Equal(0, await EntriesAsync());

        var refunded = await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 7, consumeId = id });

        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        Assert.Equal(1, (await Json(refunded)).GetProperty("used").GetInt64());
        await AssertProblem(await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 1, consumeId = id }), HttpStatusCode.Conflict, "already_refunded");
        Assert.Equal(1, await EntriesAsync()); // what the refund gave back
    }

    private async Task<long> EntriesAsync()
    {
        await using var connection = new NpgsqlConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM grain_entries WHERE grain_id LIKE 'quota-counter/%'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_key_whose_first_use_loses_a_race_with_another_silo_still_authenticates()
    {
        var (owner, key, second) = await TwoSilosAsync("keyrace@example.com");
        // Listing the keys loads the key on the second silo, before the first silo records its first use.
        Assert.Equal(HttpStatusCode.OK, (await second.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);

        // The second silo's copy is stale: recording the use there conflicts once.
        var consume = await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 });

        Assert.Equal(HttpStatusCode.OK, consume.StatusCode);
    }

    [Fact]
    public async Task A_quota_type_created_through_one_silo_is_known_at_once_through_the_other()
    {
        var (_, key, second) = await TwoSilosAsync("catalog@example.com");
        // The second silo has read the catalog, before the quota type exists.
        await AssertProblem(await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/check", new { quotaType = "chat/images", amount = 1 }),
            HttpStatusCode.NotFound, "unknown_quota_type");

        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var created = await ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types",
            new { key = "images", name = "Images", unit = "image", window = "monthly" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // In no plan: known, with nothing to spend.
        await AssertProblem(await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume",
            new { quotaType = "chat/images", amount = 1 }), HttpStatusCode.PaymentRequired, "quota_exceeded");
    }

    [Fact]
    public async Task A_counter_whose_first_entitlement_load_fails_asks_again()
    {
        var (owner, key, second) = await TwoSilosAsync("reload@example.com");
        // Both silos activate the tenant's subscription at the same version.
        Assert.Equal(HttpStatusCode.OK,
            (await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/subscription")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await second.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/subscription")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);

        // The second silo's subscription is now stale: registering this counter conflicts once.
        var consume = await second.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume", new { quotaType = Tokens, amount = 1 });

        Assert.Equal(HttpStatusCode.OK, consume.StatusCode);
    }
}
