using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;
using Tollgate.Storage;
using Tollgate.Storage.Events;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>The credit wallet over HTTP: spends, refunds, reservations, grants, expiry, the ledger and who may do what.</summary>
public sealed class CreditsTests : ApiTestBase
{
    private const string Image = "chat/image"; // 1 credit a unit
    private const string Video = "chat/video"; // 10 credits a unit

    private HttpClient _ops = null!;
    private ApiFactory? _restarted;

    private ApiFactory Silo => _restarted ?? Api;

    private async Task<(Account Owner, HttpClient App)> WalletAsync(long credits, string scopes = "credits:consume,credits:read")
    {
        if (_ops is null)
        {
            _ops = await CatalogFixture.CreateAsync(Api);
            Assert.Equal(HttpStatusCode.Created,
                (await _ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new
                {
                    key = "image", name = "Image",
                    creditsPerUnit = 1
                })).StatusCode);
            Assert.Equal(HttpStatusCode.Created,
                (await _ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new
                {
                    key = "video", name = "Video",
                    creditsPerUnit = 10
                })).StatusCode);
        }
        var owner = await Api.RegisterAsync($"w-{Guid.NewGuid():N}@example.com");
        if (credits > 0) Assert.Equal(HttpStatusCode.Created, (await GrantAsync(owner.TenantId, new
        {
            amount = credits,
            source = "promotion", reason = "welcome"
        })).StatusCode);
        return (owner, Api.WithApiKey(await Api.IssueApiKeyAsync(owner, scopes.Split(','))));
    }

    private Task<HttpResponseMessage> GrantAsync(string tenantId, object grant, string? key = null) =>
        PostAsync(_ops, $"/v1/admin/tenants/{tenantId}/credits/grants", grant, key ?? Guid.NewGuid().ToString());

    /// <summary>A trial of 50 credits that expires in <paramref name="expiresIn"/>, and a gift that never does.</summary>
    private async Task TrialAndGiftAsync(Account owner, TimeSpan expiresIn, long gift = 20)
    {
        var trial = new { amount = 50, source = "promotion", reason = "trial", expiresAt = Api.Clock.GetUtcNow() + expiresIn };
        Assert.Equal(HttpStatusCode.Created, (await GrantAsync(owner.TenantId, trial)).StatusCode);
        if (gift == 0) return;
        var granted = await GrantAsync(owner.TenantId, new { amount = gift, source = "promotion", reason = "gift" });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SpendAsync(HttpClient app, long units, string tool = Image, string? key = null) =>
        PostAsync(app, "/v1/credits/consume", new { tool, units }, key);

    private async Task<JsonElement> WalletOf(Account owner) =>
        await Json(await Silo.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/credits"));

    private async Task<List<JsonElement>> LedgerOf(Account owner) =>
        (await Json(await Silo.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?limit=500")))
        .GetProperty("items").EnumerateArray().Reverse().ToList();

    private static (long Balance, long Held, long Available) Totals(JsonElement wallet) =>
        (wallet.GetProperty("balance").GetInt64(), wallet.GetProperty("held").GetInt64(), wallet.GetProperty("available").GetInt64());

    /// <summary>The tenant's credit events, oldest first (its subscription's are not these tests' concern).</summary>
    private async Task<List<string>> EventsOf(string tenantId) =>
        (await Api.Services.GetRequiredService<IJournalReader>().ReadAsync(new JournalQuery(TenantEventRecords.Stream)
        {
            Scope = tenantId,
            Limit = 1000
        }))
        .Select(record => record.Name).Where(name => name.StartsWith("credits.", StringComparison.Ordinal)).Reverse().ToList();

    [Fact]
    public async Task A_thousand_concurrent_spends_against_a_balance_of_100_spend_exactly_100()
    {
        var (owner, app) = await WalletAsync(100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => SpendAsync(app, 1)));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(900, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        var remaining = responses.Where(r => r.StatusCode == HttpStatusCode.OK)
            .Select(r => long.Parse(r.Headers.GetValues("X-Credits-Remaining").Single())).Order();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), remaining); // every spend saw its own place in line
        Assert.Equal((0, 0, 0), Totals(await WalletOf(owner)));
        var ledger = await LedgerOf(owner);
        Assert.Equal(100, ledger.Count(e => e.GetProperty("kind").GetString() == "spend"));
        Assert.Equal(0, ledger[^1].GetProperty("balanceAfter").GetInt64());
    }

    [Fact]
    public async Task A_spend_answers_its_id_and_the_balance_and_a_402_spends_nothing()
    {
        var (owner, app) = await WalletAsync(100);

        var spent = await SpendAsync(app, 3, Video);
        var tooMuch = await SpendAsync(app, 8, Video);

        Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        var body = await Json(spent);
        Assert.Equal((70, 30), (body.GetProperty("balance").GetInt64(), body.GetProperty("spent").GetInt64()));
        Assert.StartsWith("spd_v1", body.GetProperty("spendId").GetString());
        Assert.Equal("70", spent.Headers.GetValues("X-Credits-Remaining").Single());
        await AssertProblem(tooMuch, HttpStatusCode.PaymentRequired, "insufficient_credits");
        var problem = await Json(tooMuch);
        Assert.Equal((80, 70, 70), (problem.GetProperty("needed").GetInt64(), problem.GetProperty("balance").GetInt64(),
            problem.GetProperty("available").GetInt64()));
        Assert.Equal("70", tooMuch.Headers.GetValues("X-Credits-Remaining").Single());
        Assert.Equal((70, 0, 70), Totals(await WalletOf(owner)));
    }

    [Fact]
    public async Task A_keyed_spend_applies_once_and_a_key_reused_for_another_spend_is_refused()
    {
        var (owner, app) = await WalletAsync(100);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SpendAsync(app, 7, key: "job-1")));
        var other = await SpendAsync(app, 8, key: "job-1");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single((await Task.WhenAll(answers.Select(Json))).Select(b => b.GetProperty("spendId").GetString()).Distinct());
        Assert.Equal(19, answers.Count(a => a.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Single() == "true"));
        await AssertProblem(other, (HttpStatusCode)422, "idempotency_key_reused");
        Assert.Equal((93, 0, 93), Totals(await WalletOf(owner)));
    }

    [Fact]
    public async Task A_grant_replayed_with_its_key_applies_once()
    {
        var (owner, _) = await WalletAsync(0);
        var grant = new { amount = 40, source = "promotion", reason = "launch", priority = 2 };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GrantAsync(owner.TenantId, grant, "promo-1")));
        var other = await GrantAsync(owner.TenantId, grant with { amount = 41 }, "promo-1");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Single((await Task.WhenAll(answers.Select(Json))).Select(b => b.GetProperty("grantId").GetString()).Distinct());
        await AssertProblem(other, (HttpStatusCode)422, "idempotency_key_reused");
        var wallet = await WalletOf(owner);
        Assert.Equal((40, 0, 40), Totals(wallet));
        var only = Assert.Single(wallet.GetProperty("grants").EnumerateArray());
        Assert.Equal(("promotion", 2, 40), (only.GetProperty("source").GetString(), only.GetProperty("priority").GetInt32(),
            only.GetProperty("remaining").GetInt64()));
        Assert.Equal(["grant"], (await LedgerOf(owner)).Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([TenantEventTypes.CreditsGranted], await EventsOf(owner.TenantId));
        Assert.Contains("credits.granted", await AuditActionsAsync(_ops, owner.TenantId));
    }

    [Fact]
    public async Task A_negative_adjustment_never_takes_the_balance_below_zero_and_needs_a_reason()
    {
        var (owner, _) = await WalletAsync(30);

        await AssertProblem(await GrantAsync(owner.TenantId, new { amount = -31, source = "adjustment", reason = "fraud" }),
            HttpStatusCode.Conflict, "exceeds_balance");
        var noReason = await GrantAsync(owner.TenantId, new { amount = -5, source = "adjustment" });
        var noKey = await PostAsync(_ops, $"/v1/admin/tenants/{owner.TenantId}/credits/grants", new
        {
            amount = 5, source = "promotion",
            reason = "x"
        });
        var taken = await GrantAsync(owner.TenantId, new { amount = -30, source = "adjustment", reason = "chargeback" });

        await AssertProblem(noReason, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await Json(noReason)).GetProperty("errors").TryGetProperty("reason", out _));
        await AssertProblem(noKey, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        Assert.Equal((0, 0, 0), Totals(await WalletOf(owner)));
        var adjustment = (await LedgerOf(owner))[^1];
        Assert.Equal(("adjustment", -30, 0, "chargeback"), (adjustment.GetProperty("kind").GetString(),
            adjustment.GetProperty("credits").GetInt64(),
            adjustment.GetProperty("balanceAfter").GetInt64(), adjustment.GetProperty("reason").GetString()));
        Assert.Contains("credits.adjusted", await AuditActionsAsync(_ops, owner.TenantId));
        await AssertProblem(await GrantAsync("tnt_nobody", new { amount = 5, source = "promotion", reason = "x" }),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Spends_take_priority_then_soonest_expiry_and_refunds_return_to_the_grants_they_came_from()
    {
        var (owner, app) = await WalletAsync(0);
        var soon = Api.Clock.GetUtcNow().AddHours(1);
        await GrantAsync(owner.TenantId, new { amount = 10, source = "promotion", reason = "a" });
        await GrantAsync(owner.TenantId, new { amount = 10, source = "promotion", reason = "b", expiresAt = soon });
        await GrantAsync(owner.TenantId, new { amount = 10, source = "promotion", reason = "c", priority = 5 });

        var spend = await Json(await SpendAsync(app, 25));
        var spendId = spend.GetProperty("spendId").GetString();
        var left = (await WalletOf(owner)).GetProperty("grants").EnumerateArray().Single();
        Assert.Equal(("grt_1", 5), (left.GetProperty("id").GetString(),
            left.GetProperty("remaining").GetInt64())); // the never-expiring one is last

        var part = await PostAsync(app, "/v1/credits/refund", new { spendId, credits = 5 });
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal(5, (await Json(part)).GetProperty("refunded").GetInt64());
        Api.Clock.Advance(TimeSpan.FromHours(2)); // the expiring grant's share will not come back
        var rest = await PostAsync(app, "/v1/credits/refund", new { spendId });
        var again = await PostAsync(app, "/v1/credits/refund", new { spendId, credits = 1 });

        // 20 were left; the last credits taken come back first: grt_1's 5 went back already, grt_2's 10 expired, grt_3's 10 come back.
        Assert.Equal(10, (await Json(rest)).GetProperty("refunded").GetInt64());
        await AssertProblem(again, HttpStatusCode.Conflict, "already_refunded");
        var grants = (await WalletOf(owner)).GetProperty("grants").EnumerateArray()
            .Select(g => (g.GetProperty("id").GetString(), g.GetProperty("remaining").GetInt64())).ToList();
        Assert.Equal([("grt_3", 10L), ("grt_1", 10L)], grants);
    }

    [Fact]
    public async Task Refunds_follow_the_quota_refund_rules()
    {
        var (owner, app) = await WalletAsync(100);
        var (_, otherApp) = await WalletAsync(100);
        var keyed = await SpendAsync(app, 20, key: "job-7");
        var spendId = (await Json(keyed)).GetProperty("spendId").GetString();

        await AssertProblem(await PostAsync(otherApp, "/v1/credits/refund", new { spendId }), HttpStatusCode.NotFound, "unknown_spend");
        await AssertProblem(await PostAsync(app, "/v1/credits/refund", new { spendId = "spd_v1nothing" }), HttpStatusCode.NotFound,
            "unknown_spend");
        var tooMuch = await PostAsync(app, "/v1/credits/refund", new { spendId, credits = 21 });
        await AssertProblem(tooMuch, HttpStatusCode.Conflict, "refund_exceeds_spend");
        Assert.Equal(20, (await Json(tooMuch)).GetProperty("refundable").GetInt64());
        var byKey = await PostAsync(app, "/v1/credits/refund", new { idempotencyKey = "job-7", credits = 4 }, "refund-1");
        var replay = await PostAsync(app, "/v1/credits/refund", new { idempotencyKey = "job-7", credits = 4 }, "refund-1");
        var reused = await PostAsync(app, "/v1/credits/refund", new { idempotencyKey = "job-7", credits = 5 }, "refund-1");
        await AssertProblem(await PostAsync(app, "/v1/credits/refund", new { spendId, idempotencyKey = "job-7" }),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        await AssertProblem(reused, (HttpStatusCode)422, "idempotency_key_reused");
        Assert.Equal((84, 0, 84), Totals(await WalletOf(owner)));
    }

    [Fact]
    public async Task Held_credits_are_not_spendable_and_a_hundred_concurrent_settles_settle_once()
    {
        var (owner, app) = await WalletAsync(100);

        var reserved = await PostAsync(app, "/v1/credits/reservations", new { tool = Video, units = 8, ttlSeconds = 600 });
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var reservation = await Json(reserved);
        var id = reservation.GetProperty("id").GetString();
        Assert.Equal(80, reservation.GetProperty("held").GetInt64());
        Assert.Equal((100, 80, 20), Totals(await WalletOf(owner)));
        await AssertProblem(await SpendAsync(app, 21), HttpStatusCode.PaymentRequired, "insufficient_credits");
        await AssertProblem(await PostAsync(app, "/v1/credits/reservations", new { tool = Video, units = 3, ttlSeconds = 60 }),
            HttpStatusCode.PaymentRequired, "insufficient_credits");

        var settles = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PostAsync(app, $"/v1/credits/reservations/{id}/settle",
            new { units = 5 })));

        var settled = Assert.Single(settles, s => s.StatusCode == HttpStatusCode.OK);
        Assert.Equal((50, 30), ((await Json(settled)).GetProperty("spent").GetInt64(),
            (await Json(settled)).GetProperty("released").GetInt64()));
        Assert.All(settles.Where(s => s != settled), s => Assert.Equal(HttpStatusCode.Conflict, s.StatusCode));
        Assert.Equal("reservation_ended", (await Json(settles.First(s => s != settled))).GetProperty("code").GetString());
        Assert.Equal((50, 0, 50), Totals(await WalletOf(owner)));
        Assert.Equal(["grant", "hold", "settle"], (await LedgerOf(owner)).Select(e => e.GetProperty("kind").GetString()));
        await AssertProblem(await PostAsync(app, "/v1/credits/reservations/rsv_v1made-up/settle", new { units = 1 }),
            HttpStatusCode.NotFound, "unknown_reservation");
    }

    [Fact]
    public async Task A_settle_spends_at_most_what_is_held_and_a_release_gives_it_all_back()
    {
        var (owner, app) = await WalletAsync(100);
        var first = (await Json(await PostAsync(app, "/v1/credits/reservations", new
        {
            tool = Image, units = 30,
            ttlSeconds = 60
        }))).GetProperty("id").GetString();
        var second = (await Json(await PostAsync(app, "/v1/credits/reservations", new
        {
            tool = Image, units = 40,
            ttlSeconds = 60
        }))).GetProperty("id").GetString();

        var over = await Json(await PostAsync(app, $"/v1/credits/reservations/{first}/settle", new { units = 1_000 }));
        var released = await PostAsync(app, $"/v1/credits/reservations/{second}/release", null);

        Assert.Equal((30, 0), (over.GetProperty("spent").GetInt64(), over.GetProperty("released").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(40, (await Json(released)).GetProperty("released").GetInt64());
        Assert.Equal((70, 0, 70), Totals(await WalletOf(owner)));
        await AssertProblem(await PostAsync(app, $"/v1/credits/reservations/{second}/release", null), HttpStatusCode.Conflict,
            "reservation_ended");
    }

    [Fact]
    public async Task From_its_expiry_instant_a_grant_or_hold_no_longer_counts_and_a_reminder_records_it_once()
    {
        var (owner, app) = await WalletAsync(0);
        await TrialAndGiftAsync(owner, TimeSpan.FromHours(1));
        await PostAsync(app, "/v1/credits/reservations", new { tool = Image, units = 5, ttlSeconds = 1800 }); // from the expiring grant
        Assert.Equal((70, 5, 65), Totals(await WalletOf(owner)));

        Api.Clock.Advance(TimeSpan.FromHours(1));

        // The ledger is read without the wallet: only its reminder writes the expiry and the release there.
        await EventuallyAsync(async () => (await LedgerOf(owner)).Count(e =>
            e.GetProperty("kind").GetString() is "expiry" or "release") == 2,
            "the reminder did not record the hold's end and the grant's expiry");
        Assert.Equal((20, 0, 20), Totals(await WalletOf(owner)));
        await AssertProblem(await SpendAsync(app, 21), HttpStatusCode.PaymentRequired, "insufficient_credits");
        var ledger = await LedgerOf(owner);
        Assert.Equal(["grant", "grant", "hold", "release", "expiry"], ledger.Select(e => e.GetProperty("kind").GetString()));
        // At 30 minutes the hold ended and its 5 went back to the grant; at one hour the grant's 50 expired.
        Assert.Equal([70L, 20L], ledger.Skip(3).Select(e => e.GetProperty("balanceAfter").GetInt64()));
    }

    [Fact]
    public async Task Answers_are_exact_before_any_reminder_fires()
    {
        var (owner, app) = await WalletAsync(0);
        await TrialAndGiftAsync(owner, TimeSpan.FromSeconds(30), gift: 0);

        Api.Clock.Advance(TimeSpan.FromSeconds(30));

        await AssertProblem(await SpendAsync(app, 1), HttpStatusCode.PaymentRequired, "insufficient_credits");
        Assert.Equal((0, 0, 0), Totals(await WalletOf(owner)));
        Assert.Single(await LedgerOf(owner), e => e.GetProperty("kind").GetString() == "expiry");
    }

    [Fact]
    public async Task Expiries_and_holds_that_end_while_the_silo_is_down_are_recorded_once_after_it_starts()
    {
        var (owner, app) = await WalletAsync(0);
        await TrialAndGiftAsync(owner, TimeSpan.FromHours(1));
        var held = await PostAsync(app, "/v1/credits/reservations", new { tool = Image, units = 60, ttlSeconds = 600 });
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        await Api.DisposeAsync();

        var clock = new OffsetTimeProvider();
        clock.Advance(TimeSpan.FromHours(3));
        _restarted = await StartAsync(clock);

        await EventuallyAsync(async () => (await LedgerOf(owner)).Count(e =>
            e.GetProperty("kind").GetString() is "expiry" or "release") == 2,
            "the ends during downtime were not recorded after the restart");
        Assert.Equal((20, 0, 20), Totals(await WalletOf(owner))); // the hold ended first, giving its 60 back; then the grant's 50 expired
        await Task.Delay(1500); // more reminder ticks record nothing twice
        Assert.Equal(["grant", "grant", "hold", "release", "expiry"], (await LedgerOf(owner)).Select(e =>
            e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task The_low_balance_alert_tells_once_per_crossing_even_under_concurrency()
    {
        var (owner, app) = await WalletAsync(100);
        var wallet = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<ICreditWalletGrain>(owner.TenantId);
        await wallet.SetLowBalanceAlert(50, AuditActor.System);
        // Every spend below leaves less than this, so each tells the auto top-up once durable; the spends stand whatever it answers.
        await wallet.SetAutoTopUpThreshold(1_000);

        var spends = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => SpendAsync(app, 1)));
        await GrantAsync(owner.TenantId, new { amount = 100, source = "promotion", reason = "top up" });
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SpendAsync(app, 1)));

        Assert.All(spends, spend => Assert.Equal(HttpStatusCode.OK, spend.StatusCode));
        Assert.Equal([TenantEventTypes.CreditsGranted, TenantEventTypes.CreditsLow, TenantEventTypes.CreditsGranted,
            TenantEventTypes.CreditsResolved],
            await EventsOf(owner.TenantId));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_wallets()
    {
        var (owner, app) = await WalletAsync(10);
        var (other, otherApp) = await WalletAsync(10);

        await AssertProblem(await Api.As(other.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/credits"), HttpStatusCode.NotFound,
            "not_found");
        await AssertProblem(await Api.As(other.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger"),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await otherApp.GetAsync($"/v1/tenants/{owner.TenantId}/credits"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await PostAsync(otherApp, "/v1/credits/consume", new { tool = Image, units = 1, tenantId = owner.TenantId }),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await PostAsync(Api.As(other.AccessToken), "/v1/credits/consume", new
        {
            tool = Image, units = 1,
            tenantId = owner.TenantId
        }),
            HttpStatusCode.NotFound, "not_found");
        var reservation = (await Json(await PostAsync(app, "/v1/credits/reservations", new
        {
            tool = Image, units = 5,
            ttlSeconds = 60
        }))).GetProperty("id").GetString();
        await AssertProblem(await PostAsync(otherApp, $"/v1/credits/reservations/{reservation}/release", null), HttpStatusCode.NotFound,
            "unknown_reservation");
        Assert.Equal((10, 5, 5), Totals(await Json(await app.GetAsync($"/v1/tenants/{owner.TenantId}/credits"))));
        Assert.Equal((10, 0, 10), Totals(await WalletOf(other)));
    }

    [Fact]
    public async Task Roles_and_scopes_decide_who_spends_and_who_reads()
    {
        var (owner, _) = await WalletAsync(100, scopes: "credits:read");
        var member = await Api.RegisterAsync($"m-{Guid.NewGuid():N}@example.com");
        var admin = await Api.RegisterAsync($"a-{Guid.NewGuid():N}@example.com");
        await Api.AddMemberAsync(owner, owner.TenantId, member, "member");
        await Api.AddMemberAsync(owner, owner.TenantId, admin, "admin");
        var readOnly = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "credits:read"));
        var quotaOnly = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));

        await AssertProblem(await SpendAsync(readOnly, 1), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await PostAsync(Api.As(member.AccessToken), "/v1/credits/consume", new
        {
            tool = Image, units = 1,
            tenantId = owner.TenantId
        }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK,
            (await PostAsync(Api.As(admin.AccessToken), "/v1/credits/consume", new
            {
                tool = Image, units = 1,
                tenantId = owner.TenantId
            })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.As(member.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/credits")).StatusCode);
        await AssertProblem(await quotaOnly.GetAsync($"/v1/tenants/{owner.TenantId}/credits"), HttpStatusCode.Forbidden);
        await AssertProblem(await PostAsync(Api.As(owner.AccessToken), $"/v1/admin/tenants/{owner.TenantId}/credits/grants",
            new { amount = 5, source = "promotion", reason = "self" }, "self-grant"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bad_input_gets_a_400_naming_its_fields_and_overflow_a_422()
    {
        var (owner, app) = await WalletAsync(100);

        async Task AssertField(HttpResponseMessage response, string field)
        {
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        }

        await AssertField(await SpendAsync(app, 0), "units");
        await AssertField(await PostAsync(app, "/v1/credits/consume", new { units = 1 }), "tool");
        await AssertField(await PostAsync(app, "/v1/credits/reservations", new { tool = Image, units = 1, ttlSeconds = 86_401 }),
            "ttlSeconds");
        await AssertField(await PostAsync(app, "/v1/credits/reservations", new { tool = Image, units = 1, ttlSeconds = 0 }), "ttlSeconds");
        await AssertField(await PostAsync(app, "/v1/credits/refund", new { credits = 1 }), "spendId");
        await AssertField(await PostAsync(app, "/v1/credits/refund", new { spendId = "spd_x", credits = 0 }), "credits");
        await AssertField(await GrantAsync(owner.TenantId, new { amount = -5, source = "promotion", reason = "x" }), "amount");
        await AssertField(await GrantAsync(owner.TenantId, new { amount = 5, source = "purchase", reason = "x" }), "source");
        await AssertField(await GrantAsync(owner.TenantId, new
        {
            amount = 5, source = "promotion", reason = "x",
            expiresAt = Api.Clock.GetUtcNow().AddDays(-1)
        }), "expiresAt");
        await AssertField(await _ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new
        {
            key = "free", name = "Free",
            creditsPerUnit = 0
        }), "creditsPerUnit");
        await AssertProblem(await SpendAsync(app, 1, "chat/nothing"), HttpStatusCode.NotFound, "unknown_tool");
        Assert.Equal(HttpStatusCode.Created,
            (await _ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new
            {
                key = "gold", name = "Gold",
                creditsPerUnit = 1_000_000_000
            })).StatusCode);
        await AssertProblem(await SpendAsync(app, 1_000_000_000_000, "chat/gold"), (HttpStatusCode)422, "credits_overflow");
        await AssertProblem(await PostAsync(app, "/v1/credits/reservations", new
        {
            tool = "chat/gold", units = 1_000_000_000_000,
            ttlSeconds = 60
        }),
            (HttpStatusCode)422, "credits_overflow");
        await AssertField(await SpendAsync(app, 1_000_000_000_001), "units");
        Assert.Equal((100, 0, 100), Totals(await WalletOf(owner)));
    }

    [Fact]
    public async Task The_ledger_pages_by_cursor_and_exports_as_csv()
    {
        var (owner, app) = await WalletAsync(100);
        for (var i = 0; i < 5; i++) await SpendAsync(app, 1);
        var owners = Api.As(owner.AccessToken);

        var first = await Json(await owners.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?limit=4"));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await Json(await owners.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?limit=4&cursor={cursor}"));
        var spends = await Json(await owners.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?kind=spend"));
        var csv = await owners.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?format=csv");

        Assert.Equal(4, first.GetProperty("items").GetArrayLength());
        Assert.Equal([95L, 96, 97, 98], first.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal(["spend", "grant"], second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(5, spends.GetProperty("items").GetArrayLength());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
        Assert.StartsWith("id,at,kind,credits,held,balanceAfter", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.Contains("\"spend\",\"'-1\"", lines[1]);
        await AssertProblem(await owners.GetAsync($"/v1/tenants/{owner.TenantId}/credits/ledger?limit=0"), HttpStatusCode.BadRequest,
            "validation_failed");
    }
}
