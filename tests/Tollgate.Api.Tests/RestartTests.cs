using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>On the embedded SQLite store: what survives a restart, and what is never stored.</summary>
public sealed class RestartTests : ApiTestBase
{
    protected override StorageProviderKind Provider => StorageProviderKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Storage:ExpiredEntrySweepInterval"] = "00:00:00.100" };

    [Fact]
    public async Task Accounts_and_tokens_survive_a_silo_restart()
    {
        var alice = await Api.RegisterAsync("alice@example.com", password: "alice-password");
        await Api.DisposeAsync();

        var restarted = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await restarted.Anonymous().PostAsJsonAsync("/v1/auth/login",
            new { email = alice.Email, password = alice.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await restarted.As(alice.AccessToken).GetAsync("/v1/me")).StatusCode); // the signing key was kept
        Assert.Equal(HttpStatusCode.OK,
            (await restarted.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = alice.RefreshToken })).StatusCode);
        await AssertProblem(await restarted.Anonymous().PostAsJsonAsync("/v1/auth/register",
            new { email = alice.Email, password = "another-pass" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Idempotency_keys_answer_across_a_restart_for_a_day_and_are_then_removed_from_storage()
    {
        await CatalogFixture.CreateAsync(Api);
        var owner = await Api.RegisterAsync("keys@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        var first = await ConsumeAsync(Api.WithApiKey(key), "job-1");
        await Api.DisposeAsync();

        var clock = new OffsetTimeProvider();
        var restarted = await StartAsync(clock);
        var app = restarted.WithApiKey(key);
        var replay = await ConsumeAsync(app, "job-1");
        var refund = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Seats, amount = 2, idempotencyKey = "job-1" });
        clock.Advance(TimeSpan.FromHours(25));
        var later = await ConsumeAsync(app, "job-2");
        // The silo's sweep removes the expired answer and what the refund gave back; none is kept in the counter's state row
        // (which every consume rewrites). What remains: job-2's answer, which holds its consume's id.
        await EventuallyAsync(
            async () => (await QueryAsync("SELECT entry_key FROM grain_entries WHERE grain_id LIKE 'quota-counter/%'")) is ["job-2"],
            "the expired answer was not removed from storage");
        await restarted.DisposeAsync();

        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(2, (await Json(refund)).GetProperty("refunded").GetInt64());
        Assert.Equal(2, (await Json(later)).GetProperty("used").GetInt64());
        var counterRows = await QueryAsync("SELECT payload FROM grain_state WHERE grain_id LIKE 'quota-counter/%'");
        Assert.NotEmpty(counterRows);
        Assert.DoesNotContain(counterRows, payload => payload.Contains("job-"));
    }

    [Fact]
    public async Task An_allowed_consume_without_a_key_stores_no_entry_and_its_id_refunds_after_a_restart()
    {
        await CatalogFixture.CreateAsync(Api);
        var owner = await Api.RegisterAsync("ids@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var consumed = await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume",
                new { quotaType = CatalogFixture.Messages, amount = 3 });
            ids.Add((await Json(consumed)).GetProperty("consumeId").GetString()!);
        }
        Assert.Empty(await QueryAsync("SELECT entry_key FROM grain_entries WHERE grain_id LIKE 'quota-counter/%'"));
        await Api.DisposeAsync();

        var restarted = await StartAsync(); // reads the shared consume id key back
        var app = restarted.WithApiKey(key);
        var refunded = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Messages, amount = 2, consumeId = ids[0] });
        var again = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Messages, amount = 2, consumeId = ids[0] });

        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        Assert.Equal(13, (await Json(refunded)).GetProperty("used").GetInt64());
        await AssertProblem(again, HttpStatusCode.Conflict, "refund_exceeds_consume");
        Assert.Equal(1, (await Json(again)).GetProperty("refundable").GetInt64());
        Assert.Equal(["\u0001consume:" + ids[0]],
            await QueryAsync("SELECT entry_key FROM grain_entries WHERE grain_id LIKE 'quota-counter/%'")); // written by the refund
    }

    [Fact]
    public async Task Keyed_and_unkeyed_consumes_stored_by_the_previous_version_are_still_refunded()
    {
        await CatalogFixture.CreateAsync(Api);
        var owner = await Api.RegisterAsync("legacy@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        var app = Api.WithApiKey(key);
        // Three seats taken, two of them by consumes the previous version stored under random ids.
        Assert.Equal(HttpStatusCode.OK,
            (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = CatalogFixture.Seats, amount = 3 })).StatusCode);
        var grainId = (await QueryAsync(
            $"SELECT grain_id FROM grain_state WHERE grain_id LIKE 'quota-counter/{owner.TenantId}/{CatalogFixture.Seats}'")).Single();
        var now = Api.Clock.GetUtcNow();
        const string keyedId = "cns_0123456789abcdef0123456789abcdef", unkeyedId = "cns_fedcba9876543210fedcba9876543210";
        async Task StoreAsync(string entryKey, KeyedConsume kept) => await ExecuteAsync(
            "INSERT INTO grain_entries (grain_id, entry_key, payload, expires_at) VALUES ($grain, $key, $payload, $expires)",
            ("$grain", grainId), ("$key", entryKey), ("$payload", JsonSerializer.Serialize(kept, QuotaJson.Default.KeyedConsume)),
            ("$expires", (now + QuotaCounterGrain.IdempotencyRetention).ToUnixTimeMilliseconds()));
        await StoreAsync("job-old", new KeyedConsume(now, 1, true, null, DateTimeOffset.MinValue, false, keyedId));
        await StoreAsync(QuotaCounterGrain.ConsumeEntry(keyedId), new KeyedConsume(now, 1, true, null, DateTimeOffset.MinValue, false));
        await StoreAsync(QuotaCounterGrain.ConsumeEntry(unkeyedId), new KeyedConsume(now, 1, true, null, DateTimeOffset.MinValue, false));

        var byKey = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Seats, amount = 1, idempotencyKey = "job-old" });
        var byId = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Seats, amount = 1, consumeId = unkeyedId });
        var byIdAgain = await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = CatalogFixture.Seats, amount = 1, consumeId = keyedId });

        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(1, (await Json(byId)).GetProperty("used").GetInt64());
        await AssertProblem(byIdAgain, HttpStatusCode.Conflict, "already_refunded"); // the same consume as job-old
    }

    [Fact]
    public async Task Usage_reports_count_records_from_before_day_totals_and_a_counter_keeps_its_day_across_a_restart()
    {
        await CatalogFixture.CreateAsync(Api);
        var owner = await Api.RegisterAsync("usage@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        var clock = Api.Clock;
        var now = clock.GetUtcNow();
        clock.Advance(now.UtcDateTime.Date.AddDays(1).AddHours(12) - now.UtcDateTime); // noon
        var day1 = clock.GetUtcNow().UtcDateTime.Date;
        // What a silo from before day totals wrote: the usage records alone.
        await InsertUsageRecordAsync(owner.TenantId, day1.AddDays(-1).AddHours(9), 5);
        await InsertUsageRecordAsync(owner.TenantId, day1.AddHours(9), 7);
        await ConsumeMessagesAsync(Api.WithApiKey(key), 2);
        await Api.DisposeAsync();

        var restarted = await StartAsync(clock);
        var client = restarted.As(owner.AccessToken);
        async Task<string[]> Usage(string query) =>
            (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?{query}"))).GetProperty("items").EnumerateArray()
                .Select(i => $"{i.GetProperty("period")} {i.GetProperty("consumed")}").ToArray();
        string Day(int days) => day1.AddDays(days).ToString("yyyy-MM-dd");
        string Time(int days, int hours) => Uri.EscapeDataString(day1.AddDays(days).AddHours(hours).ToString("O"));

        // Day 1 holds 7 from before and 2 the counter still holds as its day, read back after the restart.
        Assert.Equal([$"{Day(-1)} 5", $"{Day(0)} 9"], await Usage("groupBy=day"));
        clock.Advance(TimeSpan.FromDays(1));
        await ConsumeMessagesAsync(restarted.WithApiKey(key), 4); // closes day 1 at 2
        Assert.Equal([$"{Day(-1)} 5", $"{Day(0)} 9", $"{Day(1)} 4"], await Usage("groupBy=day"));
        Assert.Equal([$"{Day(0)} 2", $"{Day(1)} 4"], await Usage($"from={Time(0, 10)}&to={Time(1, 23)}"));
        Assert.Equal([$"{Day(-1)} 5", $"{Day(0)} 7"], await Usage($"from={Time(-1, 0)}&to={Time(0, 10)}"));
        async Task<string[]> Exported(string query) =>
            (await client.GetStringAsync($"/v1/tenants/{owner.TenantId}/usage?format=csv&{query}"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[4].Trim('"')).ToArray();
        Assert.Equal(["4", "2", "7", "5"], await Exported("")); // newest first, those from before day totals last
        Assert.Equal(["7", "5"], await Exported($"from={Time(-1, 0)}&to={Time(0, 10)}"));
        Assert.Equal(["2"], await Exported($"from={Time(0, 10)}&to={Time(1, 0)}"));
        string Month(int days) => day1.AddDays(days).ToString("yyyy-MM");
        Assert.Equal(Month(-1) == Month(0) ? [$"{Month(0)} 14"] : [$"{Month(-1)} 5", $"{Month(0)} 9"],
            await Usage($"groupBy=month&from={Time(-1, 0)}&to={Time(1, 0)}"));

        // A report that finds a day open whose counter has moved on (its close written after the
        // report read the day totals; here, removed) sums that day's records instead.
        await ExecuteAsync("DELETE FROM journal WHERE stream = 'usage-days' AND payload LIKE '%\"close\"%'");
        Assert.Equal([$"{Day(-1)} 5", $"{Day(0)} 9", $"{Day(1)} 4"], await Usage("groupBy=day"));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    private Task InsertUsageRecordAsync(string tenantId, DateTime at, long amount)
    {
        var record = new UsageRecord(new DateTimeOffset(at, TimeSpan.Zero), Usage.Consume, CatalogFixture.Messages, amount,
            new AuditEntryActor("api_key", "legacy"), null);
        return ExecuteAsync("""
            INSERT INTO journal (grain_id, grain_seq, stream, scope, name, at, payload)
            VALUES ('legacy', $seq, 'usage', $scope, $name, $at, $payload)
            """,
            ("$seq", record.At.ToUnixTimeMilliseconds()), ("$scope", tenantId), ("$name", CatalogFixture.Messages),
            ("$at", record.At.ToUnixTimeMilliseconds()),
            ("$payload", JsonSerializer.Serialize(record, UsageJson.Default.UsageRecord)));
    }

    private static async Task ConsumeMessagesAsync(HttpClient app, long amount) =>
        Assert.Equal(HttpStatusCode.OK,
            (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = CatalogFixture.Messages, amount })).StatusCode);

    private static Task<HttpResponseMessage> ConsumeAsync(HttpClient app, string idempotencyKey) => app.SendAsync(
        new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume")
        {
            Content = JsonContent.Create(new { quotaType = CatalogFixture.Seats, amount = 2 }),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        });

    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    [Fact]
    public async Task Passwords_refresh_tokens_and_API_keys_are_not_stored_in_the_clear()
    {
        var alice = await Api.RegisterAsync("alice@example.com", password: "plain-text-password");
        var key = await Api.IssueApiKeyAsync(alice, "quota:read");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var platform = await ops.PostAsJsonAsync("/v1/admin/api-keys", new { name = "platform", scopes = new[] { "quota:read" } });
        var platformKey = (await Json(platform)).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Api.WithApiKey(platformKey).GetAsync($"/v1/tenants/{alice.TenantId}/quotas")).StatusCode);
        await Api.DisposeAsync(); // everything committed and checkpointed into the database file

        var text = await StoredTextAsync();

        Assert.Contains("alice@example.com", text); // the scan does see the data
        Assert.DoesNotContain("plain-text-password", text);
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain(key[10..], text);
        Assert.Contains(Secrets.Hash(platformKey), text); // the platform keeps the key by its hash
        Assert.DoesNotContain(platformKey[10..], text);
        Assert.DoesNotContain(alice.RefreshToken.Split('.')[1], text);
    }
}
