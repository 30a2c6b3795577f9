using System.Globalization;
using System.Net;
using System.Text.Json;
using Tollgate.Client;
using static Tollgate.Sdk.Tests.ScriptedHandler;

namespace Tollgate.Sdk.Tests;

/// <summary>The client's retries: which answers are retried, under which Idempotency-Key, after how long.</summary>
public sealed class ClientRetryTests
{
    private const string Consumed =
        """{"allowed": true, "limit": 10, "used": 1, "remaining": 9, "resetsAt": null, "consumeId": "qc_1"}""";

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_transient_answer_is_retried_under_the_same_generated_idempotency_key(HttpStatusCode transient)
    {
        using var fixture = new ClientFixture(new(Json(transient, """{"status": 500}"""), Json(HttpStatusCode.OK, Consumed)));

        var answer = await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));

        Assert.Equal("qc_1", answer.ConsumeId);
        var sent = fixture.Handler.Sent;
        Assert.Equal(2, sent.Count);
        var key = sent[0].Headers[TollgateClient.IdempotencyKeyHeader];
        Assert.StartsWith("tgc_", key);
        Assert.Equal(key, sent[1].Headers[TollgateClient.IdempotencyKeyHeader]);
        Assert.Equal(sent[0].Body, sent[1].Body);
        Assert.All(sent, request => Assert.Equal("http://tollgate.test/prefix/v1/quota/consume", request.Uri.ToString()));
        Assert.All(sent, request => Assert.Equal("tg_test", request.Headers["X-Api-Key"]));
    }

    [Fact]
    public async Task Two_calls_without_a_key_get_different_keys_and_a_caller_key_is_sent_as_given()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.OK, Consumed)));

        await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));
        await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));
        await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1), idempotencyKey: "order-42");

        var keys = fixture.Handler.Sent.Select(request => request.Headers[TollgateClient.IdempotencyKeyHeader]).ToList();
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal("order-42", keys[2]);
    }

    [Fact]
    public async Task A_network_error_is_retried_and_the_last_one_is_tollgate_unavailable_without_a_problem()
    {
        using var fixture = new ClientFixture(new(Fails()), options => options.MaxAttempts = 4);

        var failed = await Assert.ThrowsAsync<TollgateUnavailableException>(
            () => fixture.Client.ConsumeCreditsAsync(new CreditsConsumeRequest("app/render", 2)));

        Assert.Null(failed.Problem);
        Assert.IsType<HttpRequestException>(failed.InnerException);
        Assert.Equal(4, fixture.Handler.Sent.Count);
        Assert.Single(fixture.Handler.Sent.Select(request => request.Headers[TollgateClient.IdempotencyKeyHeader]).Distinct());
    }

    [Fact]
    public async Task A_5xx_on_every_attempt_is_tollgate_unavailable_with_the_last_problem()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.ServiceUnavailable,
            """{"status": 503, "code": "storage_unavailable", "title": "Service unavailable"}""")));

        var failed = await Assert.ThrowsAsync<TollgateUnavailableException>(
            () => fixture.Client.RefundQuotaAsync(new QuotaRefundRequest("app/calls", 1, ConsumeId: "qc_1")));

        Assert.Equal(3, fixture.Handler.Sent.Count); // the default
        Assert.Equal(503, failed.StatusCode);
        Assert.Equal("storage_unavailable", failed.Code);
    }

    [Fact]
    public async Task An_attempt_that_does_not_answer_in_time_is_retried()
    {
        using var fixture = new ClientFixture(new(Hangs(), Json(HttpStatusCode.OK, Consumed)),
            options => options.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        var answer = await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));

        Assert.Equal("qc_1", answer.ConsumeId);
        Assert.Equal(2, fixture.Handler.Sent.Count);
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_the_delay_before_the_retry()
    {
        using var fixture = new ClientFixture(new(
            Json(HttpStatusCode.TooManyRequests, """{"status": 429, "code": "rate_limited"}""", ("Retry-After", "1")),
            Json(HttpStatusCode.OK, Consumed)));

        await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));

        Assert.Equal([TimeSpan.FromSeconds(1)], fixture.RetryDelays);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_waited_for()
    {
        // Whole seconds on the wire: 3 s ahead is between 2 and 3 s away by the time the client reads it; the backoff
        // it would otherwise wait is 5 ms.
        var at = DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture);
        using var fixture = new ClientFixture(new(
            Json(HttpStatusCode.ServiceUnavailable, """{"status": 503}""", ("Retry-After", at)),
            Json(HttpStatusCode.OK, Consumed)));

        await fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1));

        var delay = Assert.Single(fixture.RetryDelays);
        Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Without_retry_after_the_backoff_grows_and_stays_under_its_cap()
    {
        using var fixture = new ClientFixture(new(Json(HttpStatusCode.BadGateway, """{"status": 502}""")), options =>
        {
            options.MaxAttempts = 6;
            options.RetryDelay = TimeSpan.FromMilliseconds(20);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
        });

        await Assert.ThrowsAsync<TollgateUnavailableException>(() => fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1)));

        Assert.Equal(5, fixture.RetryDelays.Count);
        Assert.All(fixture.RetryDelays, delay => Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)));
        Assert.True(fixture.RetryDelays.Sum(d => d.TotalMilliseconds) > 20 * 2, "the delays grow past the first one's base");
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData(HttpStatusCode.NotFound, "unknown_quota_type")]
    [InlineData(HttpStatusCode.Conflict, "already_refunded")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused")]
    [InlineData(HttpStatusCode.PaymentRequired, "quota_exceeded")]
    public async Task An_answer_that_will_not_change_is_not_retried(HttpStatusCode status, string code)
    {
        using var fixture = new ClientFixture(new(Json(status, JsonSerializer.Serialize(new { status = (int)status, code }))));

        var refused = await Assert.ThrowsAnyAsync<TollgateException>(
            () => fixture.Client.ConsumeQuotaAsync(new QuotaRequest("app/calls", 1)));

        Assert.Single(fixture.Handler.Sent);
        Assert.Equal(code, refused.Code);
        Assert.IsNotType<TollgateUnavailableException>(refused);
    }
}
