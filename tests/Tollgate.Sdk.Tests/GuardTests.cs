using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Client;
using Tollgate.Testing;

namespace Tollgate.Sdk.Tests;

/// <summary>
/// The sample app's guarded endpoints against a real silo (the shared harness), each test with a tenant of its own:
/// what the app's callers see, and what Tollgate counted.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class GuardTests(Harness harness)
{
    [Fact]
    public async Task A_limit_of_10_lets_exactly_10_of_100_concurrent_calls_through_and_the_rest_get_402_with_headers()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant);
        using var caller = app.Caller();

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await caller.PostAsync("/reports", null);
            return (response.StatusCode, Headers: Quota(response), response.Content.Headers.ContentType?.MediaType,
                Body: await response.Content.ReadAsStringAsync());
        }));

        var allowed = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.PaymentRequired).ToList();
        Assert.Equal(10, allowed.Count);
        Assert.Equal(90, refused.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(n => n.ToString()), allowed.Select(a => a.Headers.Remaining).Order());
        Assert.All(allowed, a => Assert.Equal("10", a.Headers.Limit));
        Assert.All(refused, a =>
        {
            Assert.Equal("application/problem+json", a.MediaType);
            using var problem = JsonDocument.Parse(a.Body);
            Assert.Equal("quota_exceeded", problem.RootElement.GetProperty("code").GetString());
            Assert.Equal(402, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(10, problem.RootElement.GetProperty("limit").GetInt64());
            Assert.Equal(0, problem.RootElement.GetProperty("remaining").GetInt64());
            Assert.Equal(("10", "0"), (a.Headers.Limit, a.Headers.Remaining));
        });
        Assert.Equal(10, await UsedAsync(tenant));
    }

    [Fact]
    public async Task A_call_whose_answer_is_dropped_is_retried_under_its_key_and_deducts_once()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant, harness.ProxyUrl);
        using var caller = app.Caller();
        var forwarded = await harness.ForwardedAsync();

        await harness.DropNextAnswerAsync();
        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("9", Quota(response).Remaining);
        Assert.Equal(forwarded + 2, await harness.ForwardedAsync()); // the dropped attempt and its retry both reached the silo
        Assert.Equal(1, await UsedAsync(tenant));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task The_apps_own_auth_runs_first_and_a_caller_it_refuses_deducts_nothing(string? token)
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant, harness.ProxyUrl);
        using var caller = app.Caller(token);
        var forwarded = await harness.ForwardedAsync();

        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(forwarded, await harness.ForwardedAsync()); // Tollgate was not asked
        Assert.Equal(0, await UsedAsync(tenant));
    }

    [Fact]
    public async Task A_signed_in_caller_without_a_tenant_gets_401_tenant_required_without_asking_tollgate()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant, harness.ProxyUrl);
        using var caller = app.Caller(SampleApp.NobodyToken);
        var forwarded = await harness.ForwardedAsync();

        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("tenant_required", await CodeAsync(response));
        Assert.Equal(forwarded, await harness.ForwardedAsync());
    }

    [Fact]
    public async Task An_allowed_call_carries_the_quotas_headers_and_a_retry_of_the_callers_key_deducts_once()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant);
        using var caller = app.Caller();

        using var first = await Post(caller, "/reports", idempotencyKey: "report-1");
        using var again = await Post(caller, "/reports", idempotencyKey: "report-1");
        using var other = await Post(caller, "/reports");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(("10", "9"), (Quota(first).Limit, Quota(first).Remaining));
        Assert.False(first.Headers.Contains("X-Quota-Reset"), "a lifetime quota never resets");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("9", Quota(again).Remaining);
        Assert.Equal("8", Quota(other).Remaining);
        Assert.Equal(2, await UsedAsync(tenant));
    }

    [Fact]
    public async Task The_credits_guard_spends_until_the_wallet_is_short_then_answers_402_insufficient_credits()
    {
        // 100 credits; a render is 3 units at 2 credits: 16 renders spend 96, the 17th needs 6 of the 4 left.
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant);
        using var caller = app.Caller();

        var remaining = new List<string>();
        for (var render = 0; render < 16; render++)
        {
            using var spent = await caller.PostAsync("/renders", null);
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
            remaining.Add(spent.Headers.GetValues("X-Credits-Remaining").Single());
        }
        using var refused = await caller.PostAsync("/renders", null);

        Assert.Equal(["94", "88"], remaining.Take(2));
        Assert.Equal("4", remaining[^1]);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal("4", refused.Headers.GetValues("X-Credits-Remaining").Single());
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("insufficient_credits", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(6, problem.RootElement.GetProperty("needed").GetInt64());
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        Assert.Equal(4, (await tollgate.Client.GetCreditsAsync(tenant.TenantId)).Available);
    }

    [Fact]
    public async Task An_endpoint_that_answers_500_has_its_deduction_refunded_when_opted_in()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant);
        using var caller = app.Caller();

        using var failed = await caller.PostAsync("/exports", null);
        using var report = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("9", Quota(failed).Remaining); // deducted before the endpoint ran...
        Assert.Equal("9", Quota(report).Remaining); // ...and given back once it failed
        Assert.Equal(1, await UsedAsync(tenant));
    }

    [Fact]
    public async Task Tollgate_unreachable_fails_closed_with_503_and_retry_after_by_default_and_is_logged()
    {
        var tenant = await harness.NewTenantAsync();
        await using var app = new SampleApp(harness, tenant, ClosedPort(), Fast());
        using var caller = app.Caller();

        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("tollgate_unavailable", await CodeAsync(response));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Exception is TollgateUnavailableException);
    }

    [Fact]
    public async Task Tollgate_unreachable_runs_the_endpoint_when_failing_open_and_is_logged()
    {
        var tenant = await harness.NewTenantAsync();
        var settings = Fast();
        settings["Tollgate:FailOpen"] = "true";
        await using var app = new SampleApp(harness, tenant, ClosedPort(), settings);
        using var caller = app.Caller();

        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Quota-Remaining"));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("failing open"));
    }

    [Fact]
    public async Task A_key_tollgate_refuses_is_logged_as_an_error_and_answered_503_without_tollgates_detail()
    {
        var tenant = await harness.NewTenantAsync();
        var settings = new Dictionary<string, string?> { ["Tollgate:ApiKey"] = "tg_not_a_real_key", ["Tollgate:FailOpen"] = "true" };
        await using var app = new SampleApp(harness, tenant, settings: settings);
        using var caller = app.Caller();

        using var response = await caller.PostAsync("/reports", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // never failed open: the key is wrong, not Tollgate down
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("tollgate_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        var logged = Assert.Single(app.Logs.Entries, e => e.Level == LogLevel.Error && e.Category.StartsWith("Tollgate."));
        var refused = Assert.IsType<TollgateException>(logged.Exception);
        Assert.Equal(401, refused.StatusCode);
        Assert.DoesNotContain(refused.Problem!.Detail ?? "-", body);
        Assert.Equal(0, await UsedAsync(tenant));
    }

    private async Task<long> UsedAsync(HarnessTenant tenant)
    {
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        var quotas = await tollgate.Client.GetQuotasAsync(tenant.TenantId);
        return quotas.Single(q => q.QuotaType == harness.Description.QuotaType).Used;
    }

    private static (string? Limit, string? Remaining) Quota(HttpResponseMessage response) =>
        (Header(response, "X-Quota-Limit"), Header(response, "X-Quota-Remaining"));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString();
    }

    private static Task<HttpResponseMessage> Post(HttpClient caller, string path, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return caller.SendAsync(request);
    }

    /// <summary>A port reserved for this process that nothing listens on: connections to it are refused.</summary>
    private static Uri ClosedPort() => new($"http://127.0.0.1:{FreePorts.Next()}");

    private static Dictionary<string, string?> Fast() => new()
    {
        ["Tollgate:MaxAttempts"] = "2",
        ["Tollgate:RetryDelay"] = "00:00:00.010",
    };
}
