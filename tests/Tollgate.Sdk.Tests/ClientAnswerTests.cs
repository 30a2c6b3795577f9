using System.Net;
using System.Text.Json;
using Tollgate.Client;
using static Tollgate.Sdk.Tests.ScriptedHandler;

namespace Tollgate.Sdk.Tests;

/// <summary>What the client sends on the wire and how it reads Tollgate's answers and problems.</summary>
public sealed class ClientAnswerTests
{
    [Fact]
    public async Task Quota_exceeded_is_a_typed_exception_with_the_numbers_the_document_and_the_headers()
    {
        const string problem = """
            {"type": "https://tollgate.dev/problems/quota_exceeded", "title": "Quota exceeded", "status": 402,
             "detail": "The request needs more of app/calls than remains; nothing was deducted.", "code": "quota_exceeded",
             "allowed": false, "limit": 10, "used": 10, "remaining": 0, "resetsAt": "2026-12-31T00:00:00+00:00"}
            """;
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.PaymentRequired, problem,
            ("X-Quota-Limit", "10"), ("X-Quota-Remaining", "0"), ("X-Quota-Reset", "1798675200"))));

        var exceeded = await Assert.ThrowsAsync<QuotaExceededException>(
            () => fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1)));

        Assert.Equal((10, 10, 0), (exceeded.Limit, exceeded.Used, exceeded.Remaining));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), exceeded.ResetsAt);
        Assert.Equal(402, exceeded.StatusCode);
        Assert.Equal("Quota exceeded", exceeded.Problem!.Title);
        Assert.Equal(problem, exceeded.Problem.Json);
        Assert.False(exceeded.Problem.Extensions["allowed"].GetBoolean());
        Assert.Equal("1798675200", exceeded.Headers["X-Quota-Reset"]);
        Assert.Equal("0", exceeded.Headers["x-quota-remaining"]);
    }

    [Fact]
    public async Task Insufficient_credits_is_a_typed_exception_with_its_numbers()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.PaymentRequired,
            """{"status": 402, "code": "insufficient_credits", "needed": 6, "balance": 5, "held": 1, "available": 4}""",
            ("X-Credits-Remaining", "4"))));

        var short_ = await Assert.ThrowsAsync<InsufficientCreditsException>(
            () => fixture.Client.CreateReservationAsync(new ReservationRequest("app/render", 3, 60)));

        Assert.Equal((6, 5, 1, 4), (short_.Needed, short_.Balance, short_.Held, short_.Available));
        Assert.Equal("4", short_.Headers["X-Credits-Remaining"]);
    }

    [Fact]
    public async Task A_body_that_is_not_a_problem_document_keeps_its_text()
    {
        using var fixture = new ClientFixture(new(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<html>blocked by proxy</html>"),
        })));

        var refused = await Assert.ThrowsAsync<TollgateException>(() => fixture.Client.GetCreditsAsync("ten_1"));

        Assert.Equal(403, refused.StatusCode);
        Assert.Null(refused.Code);
        Assert.Equal("<html>blocked by proxy</html>", refused.Problem!.Detail);
    }

    [Fact]
    public async Task A_check_that_does_not_fit_answers_not_allowed_with_the_numbers()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.PaymentRequired,
            """{"status": 402, "code": "quota_exceeded", "allowed": false, "limit": 10, "used": 9, "remaining": 1, "resetsAt": null}""")));

        var check = await fixture.Client.CheckQuotaAsync(new QuotaRequest("app/calls", 5));

        Assert.Equal(new QuotaCheckResponse(false, 10, 9, 1, null), check);
        Assert.False(fixture.Handler.Sent[0].Headers.ContainsKey(TollgateClient.IdempotencyKeyHeader), "a check deducts nothing");
    }

    [Fact]
    public async Task A_replayed_answer_is_an_ordinary_answer_marked_replayed()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.OK,
            """{"balance": 90, "held": 0, "available": 90, "spent": 10, "spendId": "cs_1"}""", ("Idempotent-Replayed", "true")),
            Json(HttpStatusCode.OK, """{"balance": 80, "held": 0, "available": 80, "spent": 10, "spendId": "cs_2"}""")));

        var replayed = await fixture.Client.ConsumeCreditsAsync(new CreditsConsumeRequest("app/render", 5), "job-1");
        var fresh = await fixture.Client.ConsumeCreditsAsync(new CreditsConsumeRequest("app/render", 5), "job-2");

        Assert.Equal(new CreditsConsumeResponse(90, 0, 90, 10, "cs_1") { Replayed = true }, replayed);
        Assert.False(fresh.Replayed);
    }

    [Fact]
    public async Task The_tenant_is_sent_only_when_given_in_the_body_or_the_path()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.OK,
            """{"released": 6, "balance": 100, "held": 0, "available": 100}""")));

        await fixture.Client.ReleaseReservationAsync("cr_1");
        await fixture.Client.ReleaseReservationAsync("cr/2", tenantId: "ten_9");

        var sent = fixture.Handler.Sent;
        Assert.Equal("{}", sent[0].Body);
        Assert.Equal("""{"tenantId":"ten_9"}""", sent[1].Body);
        Assert.Equal("/prefix/v1/credits/reservations/cr%2F2/release", sent[1].Uri.AbsolutePath);
    }

    [Fact]
    public async Task Requests_use_the_wire_names_and_the_usage_query_its_parameters()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.OK, """{"groupBy": "month", "items": []}"""),
            Json(HttpStatusCode.OK, """{"refunded": 2, "limit": 10, "used": 0, "remaining": 10, "resetsAt": null}""")));

        await fixture.Client.GetUsageAsync("ten_1", new UsageQuery(From: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            QuotaType: "app/calls", GroupBy: "month"));
        var refund = await fixture.Client.RefundQuotaAsync(
            new QuotaRefundRequest("app/calls", 2, IdempotencyKey: "first", TenantId: "ten_1"), "refund-1");

        var sent = fixture.Handler.Sent;
        Assert.Equal("?from=2026-01-01T00%3A00%3A00.0000000%2B00%3A00&quotaType=app%2Fcalls&groupBy=month", sent[0].Uri.Query);
        using var body = JsonDocument.Parse(sent[1].Body!);
        Assert.Equal(["quotaType", "amount", "idempotencyKey", "tenantId"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("refund-1", sent[1].Headers[TollgateClient.IdempotencyKeyHeader]);
        Assert.Equal(new QuotaRefundResponse(2, 10, 0, 10, null), refund);
    }
}
