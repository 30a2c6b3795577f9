using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Storage;
using Tollgate.Storage.Events;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>Quota alerts as a tenant's event records show them, and the alert settings API.</summary>
public sealed class QuotaAlertTests : ApiTestBase
{
    private sealed record TenantEvent(string Type, JsonElement Data);

    private async Task<(Account Owner, HttpClient App)> TenantAsync()
    {
        await CreateAsync(Api);
        var owner = await Api.RegisterAsync($"t-{Guid.NewGuid():N}@example.com");
        return (owner, Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume")));
    }

    /// <summary>The tenant's quota and credit events, oldest first, as stored in the "events" journal stream (its subscription's are not
    /// these tests' concern).</summary>
    private static async Task<List<TenantEvent>> EventsAsync(ApiFactory api, string tenantId)
    {
        var records = await api.Services.GetRequiredService<IJournalReader>()
            .ReadAsync(new JournalQuery(TenantEventRecords.Stream) { Scope = tenantId, OldestFirst = true, Limit = 1_000 });
        return records.Where(record => record.Name.StartsWith("quota.", StringComparison.Ordinal)
            || record.Name.StartsWith("credits.", StringComparison.Ordinal)).Select(record =>
        {
            using var payload = JsonDocument.Parse(record.Payload);
            var root = payload.RootElement;
            Assert.Equal(record.Name, root.GetProperty("type").GetString());
            Assert.Equal(tenantId, root.GetProperty("tenantId").GetString());
            Assert.StartsWith("evt_", root.GetProperty("id").GetString());
            return new TenantEvent(record.Name, root.GetProperty("data").Clone());
        }).ToList();
    }

    private static string Describe(TenantEvent e) =>
        $"{e.Type} {e.Data.GetProperty("quotaType").GetString()} {e.Data.GetProperty("percent").GetInt32()}";

    private async Task<List<string>> DescribedEventsAsync(string tenantId, ApiFactory? api = null) =>
        (await EventsAsync(api ?? Api, tenantId)).Select(Describe).ToList();

    private static async Task<JsonElement> ConsumeAsync(HttpClient app, string quotaType, long amount)
    {
        var response = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType, amount });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    [Fact]
    public async Task Crossing_80_percent_records_one_threshold_event_and_reaching_the_limit_one_exhausted_event()
    {
        var (owner, app) = await TenantAsync();

        await ConsumeAsync(app, Tokens, 799);
        Assert.Empty(await EventsAsync(Api, owner.TenantId));
        var crossing = await ConsumeAsync(app, Tokens, 1);
        await ConsumeAsync(app, Tokens, 150);
        Assert.Equal(["quota.threshold chat/tokens 80"], await DescribedEventsAsync(owner.TenantId));
        await ConsumeAsync(app, Tokens, 50);
        var refused = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Tokens, amount = 1 });

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var events = await EventsAsync(Api, owner.TenantId);
        Assert.Equal(["quota.threshold chat/tokens 80", "quota.exhausted chat/tokens 100"], events.Select(Describe));
        var threshold = events[0].Data;
        Assert.Equal((800, 1_000, 200), (threshold.GetProperty("used").GetInt64(), threshold.GetProperty("limit").GetInt64(),
            threshold.GetProperty("remaining").GetInt64()));
        Assert.Equal(crossing.GetProperty("resetsAt").GetDateTimeOffset(), threshold.GetProperty("resetsAt").GetDateTimeOffset());
        var exhausted = events[1].Data;
        Assert.Equal((1_000, 0), (exhausted.GetProperty("used").GetInt64(), exhausted.GetProperty("remaining").GetInt64()));
    }

    [Fact]
    public async Task Many_concurrent_consumes_crossing_both_thresholds_record_one_event_each()
    {
        var (owner, app) = await TenantAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 300)
            .Select(_ => app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(["quota.threshold chat/messages 80", "quota.exhausted chat/messages 100"], await DescribedEventsAsync(owner.TenantId));
    }

    [Fact]
    public async Task A_window_reset_resolves_the_alert_once_without_any_consume()
    {
        var (owner, app) = await TenantAsync();
        await ConsumeAsync(app, Tokens, 900);

        var now = Api.Clock.GetUtcNow();
        Api.Clock.Advance(now.UtcDateTime.Date.AddDays(1).AddSeconds(1) - now.UtcDateTime); // past 00:00 UTC: tokens are daily
        await EventuallyAsync(async () => (await EventsAsync(Api, owner.TenantId)).Count == 2, "the window's end resolved nothing");
        await ConsumeAsync(app, Tokens, 10);
        await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/quotas");
        await Task.Delay(TimeSpan.FromSeconds(2)); // two more ticks of the reminder, had it stayed

        var events = await EventsAsync(Api, owner.TenantId);
        Assert.Equal(["quota.threshold chat/tokens 80", "quota.resolved chat/tokens 80"], events.Select(Describe));
        Assert.Equal((0, 1_000), (events[1].Data.GetProperty("used").GetInt64(), events[1].Data.GetProperty("remaining").GetInt64()));
    }

    [Fact]
    public async Task A_refund_back_under_the_threshold_resolves_it_and_crossing_it_again_raises_it_again()
    {
        var (owner, app) = await TenantAsync();
        await ConsumeAsync(app, Tokens, 700);
        var consumeId = (await ConsumeAsync(app, Tokens, 150)).GetProperty("consumeId").GetString();

        var refunded = await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Tokens, amount = 100, consumeId });
        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        Assert.Equal(["quota.threshold chat/tokens 80", "quota.resolved chat/tokens 80"], await DescribedEventsAsync(owner.TenantId));
        await ConsumeAsync(app, Tokens, 100);

        Assert.Equal(["quota.threshold chat/tokens 80", "quota.resolved chat/tokens 80", "quota.threshold chat/tokens 80"],
            await DescribedEventsAsync(owner.TenantId));
    }

    [Fact]
    public async Task An_alert_raised_before_a_restart_is_not_raised_again_after_it()
    {
        var (owner, app) = await TenantAsync();
        await ConsumeAsync(app, Tokens, 850);
        var clock = Api.Clock;
        await Api.DisposeAsync();

        var restarted = await StartAsync(clock);
        var again = restarted.WithApiKey(await restarted.IssueApiKeyAsync(owner, "quota:consume"));
        await ConsumeAsync(again, Tokens, 10);
        Assert.Equal(["quota.threshold chat/tokens 80"], await DescribedEventsAsync(owner.TenantId, restarted));
        await ConsumeAsync(again, Tokens, 140);

        Assert.Equal(["quota.threshold chat/tokens 80", "quota.exhausted chat/tokens 100"],
            await DescribedEventsAsync(owner.TenantId, restarted));
    }

    [Fact]
    public async Task An_alert_raised_before_a_restart_resolves_at_the_reset_after_it_without_any_call()
    {
        var (owner, app) = await TenantAsync();
        await ConsumeAsync(app, Tokens, 900);
        var clock = Api.Clock;
        await Api.DisposeAsync();

        var now = clock.GetUtcNow();
        clock.Advance(now.UtcDateTime.Date.AddDays(1).AddSeconds(1) - now.UtcDateTime); // the reset passed while the silo was down
        var restarted = await StartAsync(clock); // only the stored reminder wakes the counter

        await EventuallyAsync(async () => (await EventsAsync(restarted, owner.TenantId)).Count == 2,
            "the stored reminder resolved nothing");
        Assert.Equal(["quota.threshold chat/tokens 80", "quota.resolved chat/tokens 80"],
            await DescribedEventsAsync(owner.TenantId, restarted));
    }

    [Fact]
    public async Task A_lower_limit_raises_the_alert_and_a_larger_one_resolves_it()
    {
        var (owner, app) = await TenantAsync();
        await ConsumeAsync(app, Messages, 50);
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);

        var lowered = await ops.PutAsJsonAsync("/v1/admin/plans/free", new
        {
            name = "Free", priceMinor = 0, currency = "USD", interval = "month", isDefault = true, applyNow = true,
            quotas = new Dictionary<string, long> { [Messages] = 60, [Tokens] = 1_000, [Seats] = 3 },
        });
        Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
        await EventuallyAsync(async () => (await EventsAsync(Api, owner.TenantId)).Count == 1, "the lower limit raised no alert");
        var upgraded = await Api.As(owner.AccessToken)
            .PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/subscription", new { planId = "plus" });
        Assert.Equal(HttpStatusCode.OK, upgraded.StatusCode);

        var events = await EventsAsync(Api, owner.TenantId);
        Assert.Equal(["quota.threshold chat/messages 80", "quota.resolved chat/messages 80"], events.Select(Describe));
        Assert.Equal((50, 60), (events[0].Data.GetProperty("used").GetInt64(), events[0].Data.GetProperty("limit").GetInt64()));
        Assert.Equal(1_000, events[1].Data.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task Alert_settings_default_to_80_and_100_and_new_percents_reach_active_and_new_counters()
    {
        var (owner, app) = await TenantAsync();
        var client = Api.As(owner.AccessToken);
        await ConsumeAsync(app, Messages, 10); // an active counter, which knows the old percents

        var defaults = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/alerts"));
        var set = await client.PutAsJsonAsync($"/v1/tenants/{owner.TenantId}/alerts",
            new { quotaPercents = new[] { 90, 50 }, creditsBelow = (long?)null });
        await ConsumeAsync(app, Messages, 40);
        await ConsumeAsync(app, Tokens, 500);
        await ConsumeAsync(app, Messages, 30); // 80 % is no longer a threshold

        Assert.Equal("""{"quotaPercents":[80,100],"creditsBelow":null}""", defaults.GetRawText());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("""{"quotaPercents":[50,90],"creditsBelow":null}""", (await Json(set)).GetRawText());
        Assert.Equal("""{"quotaPercents":[50,90],"creditsBelow":null}""",
            (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/alerts"))).GetRawText());
        Assert.Equal(["quota.threshold chat/messages 50", "quota.threshold chat/tokens 50"], await DescribedEventsAsync(owner.TenantId));
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.Contains("alerts.updated", await AuditActionsAsync(ops, owner.TenantId));
    }

    [Fact]
    public async Task Without_quota_percents_nothing_is_alerted()
    {
        var (owner, app) = await TenantAsync();
        var set = await Api.As(owner.AccessToken)
            .PutAsJsonAsync($"/v1/tenants/{owner.TenantId}/alerts", new { quotaPercents = Array.Empty<int>() });

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        await ConsumeAsync(app, Tokens, 1_000);
        Assert.Empty(await EventsAsync(Api, owner.TenantId));
    }

    [Fact]
    public async Task The_credit_threshold_reaches_the_wallet_and_null_turns_it_off()
    {
        var ops = await CreateAsync(Api);
        Assert.Equal(HttpStatusCode.Created,
            (await ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new { key = "image", name = "Image", creditsPerUnit = 1 })).StatusCode);
        var owner = await Api.RegisterAsync($"c-{Guid.NewGuid():N}@example.com");
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "credits:consume"));
        var client = Api.As(owner.AccessToken);
        var route = $"/v1/tenants/{owner.TenantId}/alerts";
        async Task Grant(long amount)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/tenants/{owner.TenantId}/credits/grants")
            {
                Content = JsonContent.Create(new { amount, source = "promotion", reason = "test" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Created, (await ops.SendAsync(request)).StatusCode);
        }
        async Task Spend(long units)
        {
            var spent = await app.PostAsJsonAsync("/v1/credits/consume", new { tool = "chat/image", units });
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }
        async Task<int> LowEvents() => (await EventsAsync(Api, owner.TenantId)).Count(e => e.Type == "credits.low");

        await Grant(100);
        var set = await client.PutAsJsonAsync(route, new { quotaPercents = new[] { 80, 100 }, creditsBelow = 50 });
        Assert.Equal(0, await LowEvents());
        await Spend(60);
        Assert.Equal(1, await LowEvents());
        var off = await client.PutAsJsonAsync(route, new { quotaPercents = new[] { 80, 100 }, creditsBelow = (long?)null });
        await Grant(100);
        await Spend(120);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(1, await LowEvents());
        Assert.Equal("""{"quotaPercents":[80,100],"creditsBelow":null}""", (await Json(await client.GetAsync(route))).GetRawText());
    }

    [Fact]
    public async Task Invalid_alert_settings_get_a_clear_400_and_change_nothing()
    {
        var (owner, _) = await TenantAsync();
        var client = Api.As(owner.AccessToken);
        var route = $"/v1/tenants/{owner.TenantId}/alerts";
        Task<HttpResponseMessage> Put(string json) =>
            client.PutAsync(route, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        foreach (var (json, field) in new[]
        {
            ("""{"quotaPercents":[0]}""", "quotaPercents"),
            ("""{"quotaPercents":[101]}""", "quotaPercents"),
            ("""{"quotaPercents":[80,80]}""", "quotaPercents"),
            ("""{"quotaPercents":[1,2,3,4,5,6,7,8,9,10,11]}""", "quotaPercents"),
            ("""{"creditsBelow":5}""", "quotaPercents"),
            ("""{"quotaPercents":[80],"creditsBelow":-1}""", "creditsBelow"),
        })
        {
            var response = await Put(json);
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), json);
        }
        await AssertProblem(await Put("""{"quotaPercents":[80.5]}"""), HttpStatusCode.BadRequest, "malformed_request");
        await AssertProblem(await Put("""{"quotaPercents":["80"]}"""), HttpStatusCode.BadRequest, "malformed_request");

        Assert.Equal("""{"quotaPercents":[80,100],"creditsBelow":null}""", (await Json(await client.GetAsync(route))).GetRawText());
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.DoesNotContain("alerts.updated", await AuditActionsAsync(ops, owner.TenantId));
    }
}
