using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL database form one cluster: each serves the API, and one
/// counter has one activation whichever silo a request reaches. One silo is killed with SIGKILL
/// mid-stream; the survivors take over its grains. Every acknowledged consume is stored, none goes
/// over the limit, and retrying the unanswered ones with their idempotency keys applies each once.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private const long Limit = 1_500;
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
        // One after another: the first creates the schema and the operator, the others join it.
        foreach (var silo in _silos) await silo.StartAsync();
    }

    [Fact]
    public async Task Three_silos_serve_one_counter_and_survive_a_kill_9_with_nothing_lost_or_applied_twice()
    {
        var tenant = await QuotaTenant.CreateAsync(_silos[0].BaseAddress, "cluster@example.com", "cluster-password", Limit);
        var apps = _silos.Select(silo => tenant.App(silo.BaseAddress)).ToArray();

        // Every key's first answer: 200 (deducted), 402 (refused), or unknown (no answer, or 503).
        var answers = new ConcurrentDictionary<string, HttpStatusCode?>();
        var killed = _silos[1];
        var live = apps;
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 12).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var idempotencyKey = $"s{sender}-{i}";
                var targets = live; // after the kill, only the survivors are sent to
                var app = targets[(sender + i) % targets.Length];
                try
                {
                    var response = await QuotaTenant.ConsumeAsync(app, idempotencyKey);
                    answers[idempotencyKey] = response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.True(response.Headers.RetryAfter is not null);
                    else Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired });
                }
                catch (HttpRequestException)
                {
                    answers[idempotencyKey] = null; // the silo it was sent to died
                }
            }
        })).ToList();

        await WaitForAsync(() => Count(answers, HttpStatusCode.OK) >= 300, "consumes were not acknowledged before the kill");
        live = [apps[0], apps[2]];
        killed.Kill();
        // The survivors go on answering: after the dead silo is declared dead, its counter activates on one of them.
        var acknowledgedAtKill = Count(answers, HttpStatusCode.OK);
        await WaitForAsync(() => Count(answers, HttpStatusCode.OK) >= acknowledgedAtKill + 300 || Count(answers, HttpStatusCode.PaymentRequired) > 0,
            "the survivors did not take over the counter");
        await WaitForAsync(() => Count(answers, HttpStatusCode.PaymentRequired) > 50, "the limit was never reached");
        stop.Cancel();
        await Task.WhenAll(senders);

        var survivor = apps[0];
        var unknown = answers.Where(a => a.Value is not (HttpStatusCode.OK or HttpStatusCode.PaymentRequired)).Select(a => a.Key).ToList();
        foreach (var idempotencyKey in unknown)
        {
            var retried = await QuotaTenant.ConsumeAsync(survivor, idempotencyKey);
            Assert.Contains(retried.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired });
            answers[idempotencyKey] = retried.StatusCode;
        }
        // A replay answers as the first time did, from any survivor.
        foreach (var (idempotencyKey, status) in answers.Take(100))
            Assert.Equal(status, (await QuotaTenant.ConsumeAsync(apps[2], idempotencyKey)).StatusCode);

        var used = await tenant.UsedAsync(survivor.BaseAddress!);
        Assert.Equal(Limit, used);
        Assert.Equal(Limit, Count(answers, HttpStatusCode.OK));
    }

    private static int Count(ConcurrentDictionary<string, HttpStatusCode?> answers, HttpStatusCode status) => answers.Values.Count(v => v == status);

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    /// <summary>Each silo caches the keys it has authenticated; a revocation through one reaches the others' caches.</summary>
    [Fact]
    public async Task A_key_revoked_through_one_silo_is_refused_by_the_other_two_within_a_second()
    {
        var tenant = await QuotaTenant.CreateAsync(_silos[0].BaseAddress, "revoke@example.com", "revoke-password", limit: 1_000);
        var apps = _silos.Select(silo => tenant.App(silo.BaseAddress)).ToArray();
        // Every silo authenticates the key, and so caches it.
        for (var i = 0; i < 3; i++)
            foreach (var app in apps)
                Assert.Equal(HttpStatusCode.OK, (await QuotaTenant.ConsumeAsync(app, $"before-{i}-{app.BaseAddress}")).StatusCode);

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
                Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(1),
                    $"{app.BaseAddress} still accepted the key {revoked.Elapsed} after it was revoked");
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
