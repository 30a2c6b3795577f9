using System.Net;
using System.Net.Http.Json;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

public sealed class QuotaTests : ApiTestBase
{
    private async Task<(Account Owner, string Key)> TenantWithKeyAsync(string scopes = "quota:consume", bool createCatalog = true)
    {
        if (createCatalog) await CreateAsync(Api);
        var owner = await Api.RegisterAsync($"t-{Guid.NewGuid():N}@example.com");
        return (owner, await Api.IssueApiKeyAsync(owner, scopes.Split(',')));
    }

    [Fact]
    public async Task With_a_limit_of_100_a_thousand_concurrent_consumes_give_exactly_100_successes()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000)
            .Select(_ => app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(900, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        var remaining = responses.Where(r => r.StatusCode == HttpStatusCode.OK)
            .Select(r => long.Parse(r.Headers.GetValues("X-Quota-Remaining").Single())).Order();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), remaining); // every success saw its own place in line
        var messages = await QuotaAsync(owner, Messages);
        Assert.Equal(100, messages.GetProperty("used").GetInt64());
        Assert.Equal(0, messages.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Answers_carry_the_remaining_amount_and_402_deducts_nothing()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);

        var ok = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 60 });
        var tooMuch = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 41 });
        var exact = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 40 });

        var body = await Json(ok);
        Assert.True(body.GetProperty("allowed").GetBoolean());
        Assert.Equal((100, 60, 40),
            (body.GetProperty("limit").GetInt64(), body.GetProperty("used").GetInt64(), body.GetProperty("remaining").GetInt64()));
        var resetsAt = body.GetProperty("resetsAt").GetDateTimeOffset();
        Assert.Equal("100", ok.Headers.GetValues("X-Quota-Limit").Single());
        Assert.Equal("40", ok.Headers.GetValues("X-Quota-Remaining").Single());
        Assert.Equal(resetsAt.ToUnixTimeSeconds().ToString(), ok.Headers.GetValues("X-Quota-Reset").Single());

        await AssertProblem(tooMuch, HttpStatusCode.PaymentRequired, "quota_exceeded");
        var problem = await Json(tooMuch);
        Assert.False(problem.GetProperty("allowed").GetBoolean());
        Assert.Equal((100, 60, 40),
            (problem.GetProperty("limit").GetInt64(), problem.GetProperty("used").GetInt64(), problem.GetProperty("remaining").GetInt64()));
        Assert.Equal("40", tooMuch.Headers.GetValues("X-Quota-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        Assert.Equal(100, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Bad_amounts_unknown_and_unincluded_quota_types_get_clear_answers()
    {
        var (_, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);

        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 0 }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = -5 }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await app.PostAsync("/v1/quota/consume", JsonContent.Create(new { quotaType = Messages, amount = 1.5 })),
            HttpStatusCode.BadRequest, "malformed_request");
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = "chat/nope", amount = 1 }),
            HttpStatusCode.NotFound, "unknown_quota_type");
        var excluded = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Exports, amount = 1 });
        await AssertProblem(excluded, HttpStatusCode.PaymentRequired, "quota_exceeded");
        Assert.Equal(0, (await Json(excluded)).GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task A_quota_type_answered_unknown_is_known_as_soon_as_it_is_created()
    {
        var (_, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/check", new { quotaType = "chat/images", amount = 1 }),
            HttpStatusCode.NotFound, "unknown_quota_type");

        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var created = await ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types",
            new { key = "images", name = "Images", unit = "image", window = "monthly" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // In no plan: known now, with nothing to spend.
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = "chat/images", amount = 1 }),
            HttpStatusCode.PaymentRequired, "quota_exceeded");
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_first_answer_and_deducts_once()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);

        var first = await ConsumeAsync(app, Messages, 30, "req-1");
        var replays = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ConsumeAsync(app, Messages, 30, "req-1")));
        var denied = await ConsumeAsync(app, Messages, 500, "req-2");
        await ConsumeAsync(app, Messages, 10, "req-3");
        var deniedAgain = await ConsumeAsync(app, Messages, 500, "req-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync();
        foreach (var replay in replays)
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
        Assert.Equal(HttpStatusCode.PaymentRequired, denied.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, deniedAgain.StatusCode);
        Assert.Equal(30, (await Json(deniedAgain)).GetProperty("used").GetInt64()); // the first answer, not today's
        Assert.Equal(40, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task An_idempotency_key_answers_for_24_hours_and_then_counts_as_new()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        await ConsumeAsync(app, Seats, 1, "seat-1");

        Api.Clock.Advance(TimeSpan.FromHours(23));
        var replay = await ConsumeAsync(app, Seats, 1, "seat-1");
        Api.Clock.Advance(TimeSpan.FromHours(2));
        var fresh = await ConsumeAsync(app, Seats, 1, "seat-1");

        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.False(fresh.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, (await Json(fresh)).GetProperty("used").GetInt64());
        Assert.Equal(2, (await QuotaAsync(owner, Seats)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Answers_the_counter_no_longer_holds_in_memory_are_replayed_and_refunded_once_from_storage()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var first = await ConsumeAsync(app, Messages, 60, "job-1");
        Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await ConsumeAsync(app, Messages, 1, "job-2"); // a minute on, the counter lets go of job-1's answer: storage holds it

        var replays = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ConsumeAsync(app, Messages, 60, "job-1")));
        var refunds = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Refund(app, "job-1")));
        Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await ConsumeAsync(app, Messages, 1, "job-3");
        var lateRefund = await Refund(app, "job-1");

        var firstBody = await first.Content.ReadAsStringAsync();
        foreach (var replay in replays)
        {
            Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
        Assert.Single(refunds, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(4, refunds.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await AssertProblem(lateRefund, HttpStatusCode.Conflict, "already_refunded");
        Assert.Equal(2, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());

        static Task<HttpResponseMessage> Refund(HttpClient app, string idempotencyKey) =>
            app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 60, idempotencyKey });
    }

    [Fact]
    public async Task A_refund_gives_back_at_most_what_its_consume_took()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        await ConsumeAsync(app, Messages, 25, "job-7");

        var tooMuch = await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 40, idempotencyKey = "job-7" });
        var refund = await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 25, idempotencyKey = "job-7" });

        await AssertProblem(tooMuch, HttpStatusCode.Conflict, "refund_exceeds_consume");
        Assert.Equal(25, (await Json(tooMuch)).GetProperty("refundable").GetInt64());
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        var body = await Json(refund);
        Assert.Equal(25, body.GetProperty("refunded").GetInt64());
        Assert.Equal(0, body.GetProperty("used").GetInt64());
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 5, idempotencyKey = "job-7" }), HttpStatusCode.Conflict, "already_refunded");
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/refund",
            new { quotaType = Messages, amount = 5, idempotencyKey = "never" }), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 5 }),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_another_request_is_refused_and_the_same_request_still_replays()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);

        var first = await ConsumeAsync(app, Messages, 10, "k-1");
        var otherAmount = await ConsumeAsync(app, Messages, 11, "k-1");
        var same = await ConsumeAsync(app, Messages, 10, "k-1");
        var consumeId = (await Json(first)).GetProperty("consumeId").GetString();
        var consumeKeyForRefund = await RefundAsync(app, Messages, 1, "k-1", consumeId: consumeId);
        var refund = await RefundAsync(app, Messages, 3, "r-1", consumeId: consumeId);
        var refundOtherAmount = await RefundAsync(app, Messages, 4, "r-1", consumeId: consumeId);
        var refundOtherConsume = await RefundAsync(app, Messages, 3, "r-1", consumeId: "cns_other");
        var refundKeyForConsume = await ConsumeAsync(app, Messages, 3, "r-1");
        var refundAgain = await RefundAsync(app, Messages, 3, "r-1", consumeId: consumeId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblem(otherAmount, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal("true", same.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await same.Content.ReadAsStringAsync());
        await AssertProblem(consumeKeyForRefund, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        await AssertProblem(refundOtherAmount, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await AssertProblem(refundOtherConsume, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await AssertProblem(refundKeyForConsume, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal("true", refundAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await refund.Content.ReadAsStringAsync(), await refundAgain.Content.ReadAsStringAsync());
        Assert.Equal(7, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task A_refund_retried_with_its_key_replays_and_partial_refunds_give_back_at_most_the_consume()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var consumeId = (await Json(await ConsumeAsync(app, Messages, 30, null))).GetProperty("consumeId").GetString();

        var first = await RefundAsync(app, Messages, 10, "refund-1", consumeId: consumeId);
        var retried = await RefundAsync(app, Messages, 10, "refund-1", consumeId: consumeId);
        var second = await RefundAsync(app, Messages, 15, "refund-2", consumeId: consumeId);
        var tooMuch = await RefundAsync(app, Messages, 10, "refund-3", consumeId: consumeId);
        var rest = await RefundAsync(app, Messages, 5, "refund-4", consumeId: consumeId);
        var more = await RefundAsync(app, Messages, 1, "refund-5", consumeId: consumeId);
        var retriedLater = await RefundAsync(app, Messages, 10, "refund-1", consumeId: consumeId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((10, 20),
            ((await Json(first)).GetProperty("refunded").GetInt64(), (await Json(first)).GetProperty("used").GetInt64()));
        foreach (var replay in new[] { retried, retriedLater })
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        }
        Assert.Equal(5, (await Json(second)).GetProperty("used").GetInt64());
        await AssertProblem(tooMuch, HttpStatusCode.Conflict, "refund_exceeds_consume");
        Assert.Equal(5, (await Json(tooMuch)).GetProperty("refundable").GetInt64());
        Assert.Equal(0, (await Json(rest)).GetProperty("used").GetInt64());
        await AssertProblem(more, HttpStatusCode.Conflict, "already_refunded");
        Assert.Equal(0, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Every_allowed_consume_answers_a_consume_id_that_refunds_it_in_its_own_tenant_for_24_hours()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var (stranger, strangerKey) = await TenantWithKeyAsync(createCatalog: false);
        var other = Api.WithApiKey(strangerKey);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ConsumeAsync(app, Messages, 2, null)));
        var ids = await Task.WhenAll(answers.Select(async a => (await Json(a)).GetProperty("consumeId").GetString()!));
        var seat = (await Json(await ConsumeAsync(app, Seats, 1, null))).GetProperty("consumeId").GetString();
        var exceeded = await ConsumeAsync(app, Messages, 1_000, null);
        Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await ConsumeAsync(app, Messages, 1, null);

        Assert.Equal(5, ids.Distinct().Count());
        Assert.All(ids, id => Assert.StartsWith("cns_", id));
        Assert.False((await Json(exceeded)).TryGetProperty("consumeId", out _));
        await AssertProblem(await RefundAsync(other, Messages, 2, null, consumeId: ids[0]), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 2, null, consumeId: "cns_0123"), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Tokens, 2, null, consumeId: ids[0]), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 2, null, consumeId: ids[0], consumeKey: "job"),
            HttpStatusCode.BadRequest, "validation_failed");
        var refunded = await RefundAsync(app, Messages, 2, null, consumeId: ids[0]);
        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        await AssertProblem(await RefundAsync(app, Messages, 2, null, consumeId: ids[0]), HttpStatusCode.Conflict, "already_refunded");
        Assert.Equal(9, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
        Assert.Equal(0, (await QuotaAsync(stranger, Messages)).GetProperty("used").GetInt64());

        Api.Clock.Advance(TimeSpan.FromHours(24));
        await AssertProblem(await RefundAsync(app, Seats, 1, null, consumeId: seat), HttpStatusCode.NotFound, "unknown_consume");
        Assert.Equal(1, (await QuotaAsync(owner, Seats)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task A_consume_id_altered_made_up_or_expired_refunds_nothing()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var id = (await Json(await ConsumeAsync(app, Messages, 10, null))).GetProperty("consumeId").GetString()!;
        var keyedId = (await Json(await ConsumeAsync(app, Messages, 5, "job-1"))).GetProperty("consumeId").GetString()!;
        var altered = id[..20] + (id[20] == 'A' ? 'B' : 'A') + id[21..];

        Assert.Matches("^cns_v1[A-Za-z0-9_-]{64}$", id);
        await AssertProblem(await RefundAsync(app, Messages, 1, null, consumeId: altered), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 1, null, consumeId: "cns_v1" + new string('!', 64)),
            HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 1, null, consumeId: id + "A"), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 11, null, consumeId: id), HttpStatusCode.Conflict, "refund_exceeds_consume");
        Assert.Equal(15, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(app, Messages, 4, null, consumeId: id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(app, Messages, 2, null, consumeKey: "job-1")).StatusCode);
        await AssertProblem(await RefundAsync(app, Messages, 4, null, consumeId: keyedId),
            HttpStatusCode.Conflict, "refund_exceeds_consume");

        Api.Clock.Advance(TimeSpan.FromHours(24));
        await AssertProblem(await RefundAsync(app, Messages, 1, null, consumeId: id), HttpStatusCode.NotFound, "unknown_consume");
        await AssertProblem(await RefundAsync(app, Messages, 1, null, consumeId: keyedId), HttpStatusCode.NotFound, "unknown_consume");
        Assert.Equal(9, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Totals_near_long_MaxValue_are_refused_with_422_instead_of_wrapping_negative()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var app = Api.WithApiKey(key);
        var updated = await ops.PutAsJsonAsync("/v1/admin/plans/free", new Dictionary<string, object>
        {
            ["name"] = "Free", ["priceMinor"] = 0, ["currency"] = "USD", ["interval"] = "month", ["isDefault"] = true, ["applyNow"] = true,
            ["quotas"] = new Dictionary<string, long> { [Messages] = long.MaxValue, [Tokens] = long.MaxValue, [Seats] = 3 },
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var now = Api.Clock.GetUtcNow().UtcDateTime;
        Api.Clock.Advance(new DateTime(now.Year, now.Month, 1, 12, 0, 0, DateTimeKind.Utc).AddMonths(1).AddDays(9)
            - now); // the 10th at noon: two days, one month

        var day1 = (await Json(await ConsumeAsync(app, Messages, long.MaxValue, null))).GetProperty("consumeId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await ConsumeAsync(app, Tokens, long.MaxValue, null)).StatusCode);
        Api.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(app, Messages, long.MaxValue, null, consumeId: day1)).StatusCode);
        var day2 = (await Json(await ConsumeAsync(app, Messages, long.MaxValue, null))).GetProperty("consumeId").GetString();
        var refundPastMax = await RefundAsync(app, Messages, long.MaxValue, null,
            consumeId: day2); // the day's refunds would pass long.MaxValue
        var tokens = await ConsumeAsync(app, Tokens, long.MaxValue, null);
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(app, Tokens, long.MaxValue, null,
            consumeId: (await Json(tokens)).GetProperty("consumeId").GetString())).StatusCode);
        var consumePastMax = await ConsumeAsync(app, Tokens, long.MaxValue, null); // the day's consumes would pass long.MaxValue

        await AssertProblem(refundPastMax, HttpStatusCode.UnprocessableEntity, "total_overflow");
        await AssertProblem(consumePastMax, HttpStatusCode.UnprocessableEntity, "total_overflow");
        Assert.Equal(long.MaxValue, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
        Assert.Equal(0, (await QuotaAsync(owner, Tokens)).GetProperty("used").GetInt64());
        var client = Api.As(owner.AccessToken);
        var days = (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?groupBy=day")))
            .GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("consumed").GetInt64(), i.GetProperty("refunded").GetInt64())).ToList();
        Assert.Equal([(long.MaxValue, 0), (long.MaxValue, 0), (long.MaxValue, long.MaxValue), (long.MaxValue, long.MaxValue)], days);
        await AssertProblem(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?groupBy=month"),
            HttpStatusCode.UnprocessableEntity, "total_overflow");
    }

    [Fact]
    public async Task Check_answers_like_consume_and_deducts_nothing()
    {
        var (owner, key) = await TenantWithKeyAsync("quota:read");
        var reader = Api.WithApiKey(key);

        var fits = await reader.PostAsJsonAsync("/v1/quota/check", new { quotaType = Messages, amount = 100 });
        var tooBig = await reader.PostAsJsonAsync("/v1/quota/check", new { quotaType = Messages, amount = 101 });

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        await AssertProblem(tooBig, HttpStatusCode.PaymentRequired, "quota_exceeded");
        await AssertProblem(await reader.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }),
            HttpStatusCode.Forbidden);
        Assert.Equal(0, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/tenants/{owner.TenantId}/quotas")).StatusCode);
    }

    [Fact]
    public async Task Members_consume_with_a_user_token_naming_the_tenant_and_nobody_reaches_another_tenant()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var other = await Api.RegisterAsync("other@example.com");
        var member = Api.As(owner.AccessToken);

        await AssertProblem(await member.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync("/v1/quota/consume",
            new { quotaType = Messages, amount = 1, tenantId = owner.TenantId })).StatusCode);
        await AssertProblem(await Api.As(other.AccessToken).PostAsJsonAsync("/v1/quota/consume",
            new { quotaType = Messages, amount = 1, tenantId = owner.TenantId }), HttpStatusCode.NotFound);
        await AssertProblem(await Api.WithApiKey(key).PostAsJsonAsync("/v1/quota/consume",
            new { quotaType = Messages, amount = 1, tenantId = other.TenantId }), HttpStatusCode.NotFound);
        await AssertProblem(await Api.As(other.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/quotas"), HttpStatusCode.NotFound);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 }),
            HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Only_owners_admins_and_keys_with_the_consume_scope_deduct_and_refund_members_and_billing_only_check()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var byRole = new Dictionary<string, HttpClient> { ["owner"] = Api.As(owner.AccessToken) };
        foreach (var role in new[] { "admin", "billing", "member" })
        {
            var account = await Api.RegisterAsync($"{role}-{Guid.NewGuid():N}@example.com");
            await Api.AddMemberAsync(owner, owner.TenantId, account, role);
            byRole[role] = Api.As(account.AccessToken);
        }
        await ConsumeAsync(app, Messages, 10, "job-1");

        foreach (var role in new[] { "billing", "member" })
        {
            var client = byRole[role];
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/quota/check",
                new { quotaType = Messages, amount = 1, tenantId = owner.TenantId })).StatusCode);
            await AssertProblem(await client.PostAsJsonAsync("/v1/quota/consume",
                new { quotaType = Messages, amount = 1, tenantId = owner.TenantId }),
                HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await client.PostAsJsonAsync("/v1/quota/refund",
                new { quotaType = Messages, amount = 1, idempotencyKey = "job-1", tenantId = owner.TenantId }),
                HttpStatusCode.Forbidden, "forbidden");
        }
        Assert.Equal(10, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
        foreach (var role in new[] { "owner", "admin" })
            Assert.Equal(HttpStatusCode.OK, (await byRole[role].PostAsJsonAsync("/v1/quota/consume",
                new { quotaType = Messages, amount = 1, tenantId = owner.TenantId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await byRole["admin"].PostAsJsonAsync("/v1/quota/refund",
                new { quotaType = Messages, amount = 10, idempotencyKey = "job-1", tenantId = owner.TenantId })).StatusCode);
        Assert.Equal(2, (await QuotaAsync(owner, Messages)).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task The_tenant_lists_every_quota_and_usage_is_reported_by_day_and_exported()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        await ConsumeAsync(app, Messages, 7, "a");
        await ConsumeAsync(app, Tokens, 300, null);
        await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 2, idempotencyKey = "a" });
        var client = Api.As(owner.AccessToken);

        var quotas = (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/quotas"))).EnumerateArray()
            .ToDictionary(q => q.GetProperty("quotaType").GetString()!, q => q.GetProperty("used").GetInt64());
        var usage = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?groupBy=day"));
        var csv = await (await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?format=csv")).Content.ReadAsStringAsync();

        Assert.Equal(new Dictionary<string, long> { [Messages] = 5, [Seats] = 0, [Tokens] = 300 }, quotas);
        var rows = usage.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("quotaType").GetString()!);
        Assert.Equal((7, 2, 5), (rows[Messages].GetProperty("consumed").GetInt64(),
            rows[Messages].GetProperty("refunded").GetInt64(), rows[Messages].GetProperty("net").GetInt64()));
        Assert.Equal(300, rows[Tokens].GetProperty("net").GetInt64());
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"), rows[Tokens].GetProperty("period").GetString());
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"refund\",\"2\",\"apiKey\"", lines[1]);
        Assert.Contains("\"a\"", lines[1]);
    }

    [Fact]
    public async Task Usage_totals_add_up_by_day_and_month_over_whole_and_partial_days()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var app = Api.WithApiKey(key);
        var now = Api.Clock.GetUtcNow();
        Api.Clock.Advance(now.UtcDateTime.Date.AddDays(1).AddHours(12)
            - now.UtcDateTime); // noon, so the seconds a call takes stay in its day
        var day1 = Api.Clock.GetUtcNow().UtcDateTime.Date;
        await ConsumeAsync(app, Tokens, 10, null);
        await ConsumeAsync(app, Messages, 3, "m1");
        Api.Clock.Advance(TimeSpan.FromHours(23)); // 11:00 the next day, while "m1" can still be refunded
        await ConsumeAsync(app, Tokens, 20, null);
        var refund = await app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = Messages, amount = 1, idempotencyKey = "m1" });
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Api.Clock.Advance(TimeSpan.FromDays(40));
        await ConsumeAsync(app, Tokens, 40, null);
        var client = Api.As(owner.AccessToken);
        async Task<string[]> Usage(string query) =>
            (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?{query}"))).GetProperty("items").EnumerateArray()
                .Select(i => $"{i.GetProperty("period")} {i.GetProperty("quotaType")} "
                    + $"{i.GetProperty("consumed")}-{i.GetProperty("refunded")}={i.GetProperty("net")}").ToArray();
        string Day(int days) => day1.AddDays(days).ToString("yyyy-MM-dd");
        string Month(int days) => day1.AddDays(days).ToString("yyyy-MM");
        string Time(int days, int hours) => Uri.EscapeDataString(day1.AddDays(days).AddHours(hours).ToString("O"));

        Assert.Equal([$"{Day(0)} {Messages} 3-0=3", $"{Day(0)} {Tokens} 10-0=10", $"{Day(1)} {Messages} 0-1=-1",
            $"{Day(1)} {Tokens} 20-0=20", $"{Day(41)} {Tokens} 40-0=40"],
            await Usage("groupBy=day"));
        Assert.Equal([$"{Day(1)} {Messages} 0-1=-1", $"{Day(1)} {Tokens} 20-0=20"], await Usage($"from={Time(1, 0)}&to={Time(2, 0)}"));
        Assert.Equal([$"{Day(1)} {Tokens} 20-0=20"], await Usage($"from={Time(0, 13)}&to={Time(1, 13)}&quotaType={Tokens}"));
        Assert.Equal([$"{Day(0)} {Tokens} 10-0=10"], await Usage($"from={Time(0, 11)}&to={Time(0, 13)}&quotaType={Tokens}"));
        var months = await Usage("groupBy=month&quotaType=" + Tokens);
        Assert.Equal(Month(0) == Month(1) ? [$"{Month(0)} {Tokens} 30-0=30", $"{Month(41)} {Tokens} 40-0=40"]
            : [$"{Month(0)} {Tokens} 10-0=10", $"{Month(1)} {Tokens} 20-0=20", $"{Month(41)} {Tokens} 40-0=40"], months);
        await AssertProblem(await client.GetAsync($"/v1/tenants/{owner.TenantId}/usage?from={Time(1, 0)}&to={Time(1, 0)}"),
            HttpStatusCode.BadRequest);
    }

    private static Task<HttpResponseMessage> ConsumeAsync(HttpClient app, string quotaType, long amount, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume")
        {
            Content = JsonContent.Create(new { quotaType, amount }),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return app.SendAsync(request);
    }

    /// <summary>A refund naming its consume by id or key, with the refund's own Idempotency-Key when given.</summary>
    private static Task<HttpResponseMessage> RefundAsync(
        HttpClient app, string quotaType, long amount, string? refundKey, string? consumeId = null, string? consumeKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/refund")
        {
            Content = JsonContent.Create(new { quotaType, amount, consumeId, idempotencyKey = consumeKey }),
        };
        if (refundKey is not null) request.Headers.Add("Idempotency-Key", refundKey);
        return app.SendAsync(request);
    }

    private async Task<System.Text.Json.JsonElement> QuotaAsync(Account owner, string quotaType) =>
        (await Json(await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/quotas"))).EnumerateArray()
            .Single(q => q.GetProperty("quotaType").GetString() == quotaType);
}
