using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// Outbound webhooks against a real receiver on 127.0.0.1 that fails on demand: events delivered once each, signed so the
/// receiver can check them, retried with backoff on Tollgate's clock, endpoints disabled after 3 days of failures (and the
/// tenant told), redelivery, a silo restart mid-way, roles, tenants and the secret at rest.
/// </summary>
public abstract class WebhookTests : ApiTestBase
{
    private WebhookReceiver _receiver = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:AllowLoopbackHttp"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.100",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }

    private async Task<Account> OwnerAsync(string email = "owner@example.com")
    {
        _receiver ??= await WebhookReceiver.StartAsync();
        if (!_catalog) await CatalogFixture.CreateAsync(Api);
        _catalog = true;
        return await Api.RegisterAsync(email);
    }

    private bool _catalog;

    [Fact]
    public async Task Each_event_is_delivered_once_signed_so_the_receiver_can_verify_it_and_is_in_the_event_log()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        var all = await CreateEndpointAsync(client, owner, "all", ["*"]);
        var updates = await CreateEndpointAsync(client, owner, "updates", ["subscription.updated"]);

        await ChangePlanAsync(client, owner, "plus");  // an upgrade: subscription.updated
        await ChangePlanAsync(client, owner, "free");  // a downgrade scheduled: subscription.updated
        await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/subscription/cancel", new { atPeriodEnd = true });

        var events = await EventLogAsync(client, owner, expected: 3);
        Assert.Equal(["subscription.updated", "subscription.updated", "subscription.updated"],
            events.Select(e => e.GetProperty("type").GetString()));
        await UntilAsync(async () => await AllSucceededAsync(client, owner, all, 3) && await AllSucceededAsync(client, owner, updates, 3),
            "not every delivery succeeded");

        foreach (var (path, secret) in new[] { ("all", all.Secret), ("updates", updates.Secret) })
        {
            var received = _receiver.At(path);
            // Delivered exactly once each, with the event's own id, signed with this endpoint's secret.
            Assert.Equal(events.Select(e => e.GetProperty("id").GetString()).Order(), received.Select(r => r.EventId).Order());
            foreach (var delivery in received)
            {
                Assert.True(Verify(secret, delivery.Headers["Tollgate-Signature"], delivery.Body, Api.Clock.GetUtcNow()),
                    "the signature does not verify");
                var other = secret == all.Secret ? updates.Secret : all.Secret;
                Assert.False(Verify(other, delivery.Headers["Tollgate-Signature"], delivery.Body, Api.Clock.GetUtcNow()),
                    "another endpoint's secret verified it");
                using var body = JsonDocument.Parse(delivery.Body);
                Assert.Equal(delivery.EventId, body.RootElement.GetProperty("id").GetString());
                Assert.Equal(owner.TenantId, body.RootElement.GetProperty("tenantId").GetString());
                Assert.Equal("application/json", delivery.Headers["Content-Type"].Split(';')[0]);
            }
        }
        // The body is the event exactly as the event log shows it.
        var first = _receiver.At("all").Single(r => r.EventId == events[^1].GetProperty("id").GetString());
        Assert.Equal(events[^1].GetRawText(), JsonDocument.Parse(first.Body).RootElement.GetRawText());
        Assert.Equal("upgraded", events[^1].GetProperty("data").GetProperty("change").GetString());
        Assert.Equal("plus", events[^1].GetProperty("data").GetProperty("planId").GetString());
        Assert.Equal("free", events[^1].GetProperty("data").GetProperty("previousPlanId").GetString());
        // A tampered body does not verify.
        Assert.False(Verify(all.Secret, first.Headers["Tollgate-Signature"], first.Body.Replace("plus", "pro"), Api.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_with_doubling_waits_and_after_three_days_the_endpoint_is_disabled_and_the_tenant_told()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken); // tokens are made before the clock moves: their times are its
        _receiver.Answer("down", 500);
        var down = await CreateEndpointAsync(client, owner, "down", ["subscription.updated", "webhook_endpoint.disabled"]);
        var watcher = await CreateEndpointAsync(client, owner, "watcher", ["webhook_endpoint.disabled"]);
        await ChangePlanAsync(client, owner, "plus");

        var log = await DeliveryAsync(client, owner, down, d => d.GetProperty("attempts").GetInt32() == 1);
        Assert.Equal("pending", log.GetProperty("status").GetString());
        Assert.Equal(500, log.GetProperty("log")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(TimeSpan.FromMinutes(1), NextWait(log));
        Assert.Single(_receiver.At("down")); // not again before its minute is up

        foreach (var (attempts, wait) in new[] { (2, 2), (3, 4), (4, 8) })
        {
            Api.Clock.Advance(NextWait(log));
            log = await DeliveryAsync(client, owner, down, d => d.GetProperty("attempts").GetInt32() == attempts);
            Assert.Equal(TimeSpan.FromMinutes(wait), NextWait(log));
        }
        Assert.Equal(4, _receiver.At("down").Count);
        Assert.NotEqual(JsonValueKind.Null, (await GetEndpointAsync(client, owner, down.Id)).GetProperty("failingSince").ValueKind);

        Api.Clock.Advance(TimeSpan.FromDays(3)); // the last attempt falls due, three days after the first
        log = await DeliveryAsync(client, owner, down, d => d.GetProperty("status").GetString() == "failed");
        Assert.Equal(JsonValueKind.Null, log.GetProperty("nextAttemptAt").ValueKind);
        var endpoint = await GetEndpointAsync(client, owner, down.Id);
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal("failing", endpoint.GetProperty("disabledReason").GetString());

        // The tenant is told: in the event log, and at its other endpoint that takes the event (not at the disabled one).
        var disabled = (await EventLogAsync(client, owner, expected: 1, type: "webhook_endpoint.disabled")).Single();
        Assert.Equal(down.Id, disabled.GetProperty("data").GetProperty("endpointId").GetString());
        await UntilAsync(() => Task.FromResult(_receiver.At("watcher").Any(r => r.EventId == disabled.GetProperty("id").GetString())),
            "the other endpoint was not told");
        Assert.DoesNotContain(_receiver.At("down"), r => r.EventId == disabled.GetProperty("id").GetString());
        Assert.Contains("webhook_endpoint.disabled", await AuditActionsAsync(ops, owner.TenantId));

        // Re-enabled through an update: its failures start over.
        var enabled = await client.PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}/webhook-endpoints/{down.Id}", new { enabled = true });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var body = await Json(enabled);
        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("disabledReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("failingSince").ValueKind);
    }

    [Fact]
    public async Task A_redelivery_is_a_new_attempt_now_with_the_same_event_id_logged_as_manual_and_audited()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        _receiver.Answer("flaky", 503);
        var flaky = await CreateEndpointAsync(client, owner, "flaky", ["*"]);
        await ChangePlanAsync(client, owner, "plus");
        var failed = await DeliveryAsync(client, owner, flaky, d => d.GetProperty("attempts").GetInt32() == 1);

        _receiver.Answer("flaky", 200);
        var redelivered = await client.PostAsync(
            $"/v1/tenants/{owner.TenantId}/webhook-endpoints/{flaky.Id}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var delivery = await Json(redelivered);
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        var attempts = delivery.GetProperty("log").EnumerateArray().ToList();
        Assert.Equal([(503, false), (200, true)], attempts.Select(a => (a.GetProperty("statusCode").GetInt32(),
            a.GetProperty("manual").GetBoolean())));

        var received = _receiver.At("flaky");
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].EventId, received[1].EventId);
        Assert.Equal(failed.GetProperty("eventId").GetString(), received[1].EventId);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.True(Verify(flaky.Secret, received[1].Headers["Tollgate-Signature"], received[1].Body, Api.Clock.GetUtcNow()));
        Assert.Contains("webhook_delivery.redelivered",
            await AuditActionsAsync(Api.As((await Api.LoginOperatorAsync()).AccessToken), owner.TenantId));

        // Another tenant's owner cannot redeliver it, nor see it.
        var other = await Api.RegisterAsync("other@example.com");
        var otherClient = Api.As(other.AccessToken);
        await AssertProblem(await otherClient.PostAsync(
            $"/v1/tenants/{owner.TenantId}/webhook-endpoints/{flaky.Id}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null),
            HttpStatusCode.NotFound);
        var mine = await CreateEndpointAsync(otherClient, other, "other", ["*"]);
        await AssertProblem(await otherClient.PostAsync(
            $"/v1/tenants/{other.TenantId}/webhook-endpoints/{mine.Id}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null),
            HttpStatusCode.NotFound, "not_found");

        // Succeeded: not attempted again when its retry would have been due.
        Api.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(1000); // many dispatcher polls; nothing may arrive
        Assert.Equal(2, _receiver.At("flaky").Count);
    }

    [Fact]
    public async Task A_silo_restart_mid_way_loses_no_event_and_delivers_each_successfully_once()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        _receiver.Answer("hook", 503);
        var hook = await CreateEndpointAsync(client, owner, "hook", ["*"]);
        await ChangePlanAsync(client, owner, "plus");
        await ChangePlanAsync(client, owner, "free");
        await UntilAsync(
            async () => (await DeliveriesAsync(client, owner, hook)).Count(d => d.GetProperty("attempts").GetInt32() >= 1) == 2,
            "the first deliveries were not attempted");
        // One more, committed as the silo stops: fanned out before it stopped, or after it starts again.
        await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/subscription/cancel", new { atPeriodEnd = true });
        var clock = Api.Clock;
        await Api.DisposeAsync();

        _receiver.Answer("hook", 200);
        var restarted = await StartAsync(clock);
        client = restarted.As(owner.AccessToken);
        clock.Advance(TimeSpan.FromMinutes(2)); // the failed ones are due again
        var events = await EventLogAsync(client, owner, expected: 3);
        await UntilAsync(async () => await AllSucceededAsync(client, owner, hook, 3), "not every event was delivered after the restart");

        var accepted = _receiver.At("hook").Where(r => r.Accepted).ToList();
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()).Order(), accepted.Select(r => r.EventId).Order());
        Assert.Equal(2, _receiver.At("hook").Count(r => !r.Accepted));
    }

    [Fact]
    public async Task Endpoints_are_for_owners_and_admins_of_their_own_tenant_and_take_only_https_or_loopback_http_and_known_types()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        var endpoint = await CreateEndpointAsync(client, owner, "hook", ["subscription.created"]);
        var url = $"/v1/tenants/{owner.TenantId}/webhook-endpoints";

        foreach (var role in new[] { "member", "billing" })
        {
            var person = await Api.RegisterAsync($"{role}@example.com");
            await Api.AddMemberAsync(owner, owner.TenantId, person, role);
            var them = Api.As(person.AccessToken);
            await AssertProblem(await them.GetAsync(url), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await them.PostAsJsonAsync(url, new { url = "https://example.com/h", eventTypes = new[] { "*" } }),
                HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await them.GetAsync($"/v1/tenants/{owner.TenantId}/events"), HttpStatusCode.Forbidden, "forbidden");
        }
        var admin = await Api.RegisterAsync("admin@example.com");
        await Api.AddMemberAsync(owner, owner.TenantId, admin, "admin");
        Assert.Equal(HttpStatusCode.Created, (await Api.As(admin.AccessToken).PostAsJsonAsync(url,
            new { url = "https://example.com/hooks", eventTypes = new[] { "invoice.paid" }, description = "billing system" })).StatusCode);

        var stranger = await Api.RegisterAsync("stranger@example.com");
        var strangers = Api.As(stranger.AccessToken);
        await AssertProblem(await strangers.GetAsync(url), HttpStatusCode.NotFound);
        await AssertProblem(await strangers.GetAsync($"{url}/{endpoint.Id}"), HttpStatusCode.NotFound);
        await AssertProblem(await strangers.GetAsync($"/v1/tenants/{owner.TenantId}/events"), HttpStatusCode.NotFound);
        // The endpoint's id under the stranger's own tenant names nothing there.
        var theirs = $"/v1/tenants/{stranger.TenantId}/webhook-endpoints/{endpoint.Id}";
        await AssertProblem(await strangers.GetAsync(theirs), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await strangers.PatchAsJsonAsync(theirs, new { enabled = false }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await strangers.DeleteAsync(theirs), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await strangers.PostAsync($"{theirs}/rotate-secret", null), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await strangers.GetAsync($"{theirs}/deliveries"), HttpStatusCode.NotFound, "not_found");

        foreach (var bad in new object[]
        {
            new { url = "http://example.com/h", eventTypes = new[] { "*" } },
            new { url = "https://user:pw@example.com/h", eventTypes = new[] { "*" } },
            new { url = "ftp://example.com/h", eventTypes = new[] { "*" } },
            new { url = "/relative", eventTypes = new[] { "*" } },
        })
        {
            var refused = await client.PostAsJsonAsync(url, bad);
            await AssertProblem(refused, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("url", out _));
        }
        var unknownType = await client.PostAsJsonAsync(url, new { url = "https://example.com/h", eventTypes = new[] { "quota.nope" } });
        await AssertProblem(unknownType, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await Json(unknownType)).GetProperty("errors").TryGetProperty("eventTypes", out _));
        await AssertProblem(await client.PostAsJsonAsync(url, new { url = "https://example.com/h", eventTypes = Array.Empty<string>() }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.GetAsync($"/v1/tenants/{owner.TenantId}/events?type=nope"), HttpStatusCode.BadRequest,
            "validation_failed");
        await AssertProblem(await client.GetAsync($"{url}/{endpoint.Id}/deliveries?limit=0"), HttpStatusCode.BadRequest,
            "validation_failed");
        Assert.Equal(2, (await Json(await client.GetAsync(url))).GetArrayLength()); // nothing refused was kept

        var deleted = await client.DeleteAsync($"{url}/{endpoint.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblem(await client.GetAsync($"{url}/{endpoint.Id}"), HttpStatusCode.NotFound, "not_found");
        var audit = await AuditActionsAsync(Api.As((await Api.LoginOperatorAsync()).AccessToken), owner.TenantId);
        Assert.Contains("webhook_endpoint.created", audit);
        Assert.Contains("webhook_endpoint.deleted", audit);
    }

    [Fact]
    public async Task The_signing_secret_is_shown_once_rotated_at_once_and_never_stored_in_plain_text()
    {
        var owner = await OwnerAsync();
        var client = Api.As(owner.AccessToken);
        var endpoint = await CreateEndpointAsync(client, owner, "hook", ["subscription.updated"]);
        Assert.StartsWith("whsec_", endpoint.Secret);
        var url = $"/v1/tenants/{owner.TenantId}/webhook-endpoints";
        Assert.False((await GetEndpointAsync(client, owner, endpoint.Id)).TryGetProperty("secret", out _));
        Assert.DoesNotContain(endpoint.Secret, await client.GetStringAsync(url));

        var rotated = await client.PostAsync($"{url}/{endpoint.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var secret = (await Json(rotated)).GetProperty("secret").GetString()!;
        Assert.NotEqual(endpoint.Secret, secret);
        await ChangePlanAsync(client, owner, "plus");
        await UntilAsync(() => Task.FromResult(_receiver.At("hook").Count == 1), "the event was not delivered");
        var delivered = _receiver.At("hook")[0];
        Assert.True(Verify(secret, delivered.Headers["Tollgate-Signature"], delivered.Body, Api.Clock.GetUtcNow()));
        Assert.False(Verify(endpoint.Secret, delivered.Headers["Tollgate-Signature"], delivered.Body, Api.Clock.GetUtcNow()));
        Assert.Contains("webhook_endpoint.secret_rotated",
            await AuditActionsAsync(Api.As((await Api.LoginOperatorAsync()).AccessToken), owner.TenantId));

        await Api.DisposeAsync();
        var stored = await StoredTextAsync();
        Assert.Contains(endpoint.Id, stored); // the endpoint is there
        Assert.DoesNotContain(endpoint.Secret, stored);
        Assert.DoesNotContain(secret, stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored);
    }

    /// <summary>What a receiver does: the MAC of "{t}.{body}" under its secret matches v1, and t is within 5 minutes of its
    /// clock.</summary>
    private static bool Verify(string secret, string header, string body, DateTimeOffset now)
    {
        var fields = header.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToList();
        if (fields.FirstOrDefault(f => f[0] == "t") is not [_, var t] || !long.TryParse(t, out var timestamp)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return fields.Where(f => f[0] == "v1").Any(f =>
            f[1].Length == expected.Length * 2 && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(f[1])));
    }

    private sealed record Endpoint(string Id, string Secret);

    private async Task<Endpoint> CreateEndpointAsync(HttpClient client, Account owner, string path, string[] eventTypes)
    {
        var response = await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/webhook-endpoints",
            new { url = _receiver.Url(path), eventTypes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        return new Endpoint(body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private static async Task<JsonElement> GetEndpointAsync(HttpClient client, Account owner, string endpointId) =>
        await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/webhook-endpoints/{endpointId}"));

    private static async Task ChangePlanAsync(HttpClient client, Account owner, string planId) =>
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/subscription",
            new { planId })).StatusCode);

    private static async Task<List<JsonElement>> DeliveriesAsync(HttpClient client, Account owner, Endpoint endpoint) =>
        (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/webhook-endpoints/{endpoint.Id}/deliveries")))
            .GetProperty("items").EnumerateArray().ToList();

    private static async Task<bool> AllSucceededAsync(HttpClient client, Account owner, Endpoint endpoint, int count) =>
        await DeliveriesAsync(client, owner, endpoint) is var deliveries && deliveries.Count == count
        && deliveries.All(d => d.GetProperty("status").GetString() == "succeeded");

    /// <summary>The endpoint's one delivery, once it is as <paramref name="condition"/> says.</summary>
    private static async Task<JsonElement> DeliveryAsync(
        HttpClient client, Account owner, Endpoint endpoint, Func<JsonElement, bool> condition)
    {
        JsonElement found = default;
        await UntilAsync(async () => await DeliveriesAsync(client, owner, endpoint) is [var only] && condition(found = only),
            "the delivery did not get there");
        return found;
    }

    private static TimeSpan NextWait(JsonElement delivery) =>
        delivery.GetProperty("nextAttemptAt").GetDateTimeOffset()
        - delivery.GetProperty("log").EnumerateArray().Last().GetProperty("at").GetDateTimeOffset();

    private static async Task<List<JsonElement>> EventLogAsync(HttpClient client, Account owner, int expected, string? type = null)
    {
        List<JsonElement> events = [];
        await UntilAsync(async () =>
        {
            var page = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/events{(type is null ? "" : $"?type={type}")}"));
            // The tenant's subscription.created from its registration is older than every endpoint: not delivered to them.
            events = page.GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("type").GetString() != "subscription.created").ToList();
            return events.Count >= expected;
        }, "the events are not in the event log");
        return events;
    }

    /// <summary>Polls until the condition holds, for up to 30 s (the dispatcher looks every 100 ms).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }
}

public sealed class SqliteWebhookTests : WebhookTests
{
    protected override StorageProviderKind Provider => StorageProviderKind.Sqlite;
}

public sealed class PostgreSqlWebhookTests : WebhookTests
{
    protected override StorageProviderKind Provider => StorageProviderKind.PostgreSql;
}
