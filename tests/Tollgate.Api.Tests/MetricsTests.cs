using System.Net;
using System.Net.Http.Json;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

public sealed class MetricsTests : ApiTestBase
{
    [Fact]
    public async Task Metrics_are_public_prometheus_text_with_quota_consumes_http_durations_and_allocations()
    {
        await CreateAsync(Api);
        var owner = await Api.RegisterAsync("owner@example.com");
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));
        var allowed = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 });
        var exceeded = await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1_000 });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, exceeded.StatusCode);

        // The HTTP duration is recorded as a request ends, and the exporter caches a scrape briefly: poll.
        string text = "";
        await EventuallyAsync(async () =>
        {
            var response = await Api.Anonymous().GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync();
            return text.Contains("tollgate_quota_consumes") && text.Contains("outcome=\"exceeded\"")
                && text.Contains("http_server_request_duration");
        }, "/metrics lacks the consume counter or the HTTP durations");

        Assert.Contains("outcome=\"allowed\"", text);
        Assert.Contains("http_route=\"/v1/quota/consume\"", text);
        Assert.Contains("dotnet_gc_heap_total_allocated_bytes", text); // the runtime's, read at the scrape
        // Meters that record per request and that nobody reads are not collected.
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", text);
        Assert.DoesNotContain("aspnetcore_authentication_authenticate_duration", text);
        Assert.DoesNotContain("aspnetcore_memory_pool", text);
    }
}

public sealed class OperatorOnlyMetricsTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Metrics:RequireOperator"] = "true" };

    [Fact]
    public async Task With_Metrics_RequireOperator_only_the_signed_in_operator_reads_metrics()
    {
        var anonymous = await new Browser(Api).GetAsync("/metrics");
        var alice = await Api.RegisterAsync("alice@example.com");
        var member = new Browser(Api);
        await member.SignInAsync(alice.Email, alice.Password);
        var ops = new Browser(Api);
        await ops.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);

        Assert.Equal(HttpStatusCode.Found, anonymous.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fmetrics", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/metrics")).StatusCode);
        var metrics = await ops.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync());
    }
}
