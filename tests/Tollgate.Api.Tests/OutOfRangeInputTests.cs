using System.Net;
using System.Text;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>Times far in the past or future and numbers past their type's range get a 400 naming the field, never a 500.</summary>
public sealed class OutOfRangeInputTests : ApiTestBase
{
    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Post(string url, string json) =>
        new(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task Extreme_times_and_numbers_get_400_naming_the_field()
    {
        var ops = await CreateAsync(Api);
        var owner = await Api.RegisterAsync("range@example.com");
        var client = Api.As(owner.AccessToken);
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Post("/v1/quota/consume", $$"""{"quotaType":"{{Messages}}","amount":1}"""))).StatusCode);
        var tenant = $"/v1/tenants/{owner.TenantId}";

        var table = new (string Name, HttpClient Client, Func<HttpRequestMessage> Request, string Field)[]
        {
            ("usage to the end of time", client, () => Get($"{tenant}/usage?to=9999-12-31T23:59:59Z"), "to"),
            ("usage from the start of time", client, () => Get($"{tenant}/usage?from=0001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"), "from"),
            ("usage to the start of time", client, () => Get($"{tenant}/usage?to=0001-01-01T00:00:00Z"), "to"),
            ("usage from the end of time", client, () => Get($"{tenant}/usage?from=9999-12-31T00:00:00Z"), "from"),
            ("usage CSV to the end of time", client, () => Get($"{tenant}/usage?format=csv&to=9999-12-31T23:59:59Z"), "to"),
            ("usage by month to the end of time", client, () => Get($"{tenant}/usage?groupBy=month&from=2026-01-01T00:00:00Z&to=9999-12-31T23:59:59Z"), "to"),
            ("audit log from year 1", client, () => Get($"{tenant}/audit-log?from=0001-01-01T00:00:00Z"), "from"),
            ("audit log to year 9999", client, () => Get($"{tenant}/audit-log?to=9999-12-31T23:59:59Z"), "to"),
            ("audit log limit past int", client, () => Get($"{tenant}/audit-log?limit=99999999999"), "limit"),
            ("audit log cursor past long", client, () => Get($"{tenant}/audit-log?cursor=99999999999999999999"), "cursor"),
            ("API key expiring in 9999", client, () => Post($"{tenant}/api-keys", """{"name":"k","scopes":["quota:consume"],"expiresAt":"9999-12-31T23:59:59Z"}"""), "expiresAt"),
            ("API key expiring past the last time", client,
                () => Post($"{tenant}/api-keys", """{"name":"k","scopes":["quota:consume"],"expiresAt":"9999-12-31T23:59:59-05:00"}"""), "expiresAt"),
            ("a huge trial", ops, () => Post($"/v1/admin/tenants/{owner.TenantId}/subscription", """{"planId":"plus","trialDays":100000}"""), "trialDays"),
            ("a trial past int", ops, () => Post($"/v1/admin/tenants/{owner.TenantId}/subscription", """{"planId":"plus","trialDays":2147483648}"""), "trialDays"),
            ("a price past long", ops,
                () => Post("/v1/admin/plans", """{"id":"big","name":"Big","priceMinor":99999999999999999999,"currency":"USD","interval":"month"}"""), "priceMinor"),
            ("a grace period past int", ops,
                () => Post("/v1/admin/plans", """{"id":"big","name":"Big","priceMinor":1,"currency":"USD","interval":"month","graceDays":-2147483649}"""), "graceDays"),
        };

        var failures = new List<string>();
        foreach (var (name, caller, request, field) in table)
        {
            HttpResponseMessage response;
            string text;
            try
            {
                response = await caller.SendAsync(request());
                text = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException exception)
            {
                failures.Add($"{name}: the response broke off: {exception.InnerException?.InnerException?.Message}");
                continue;
            }
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{name}: {(int)response.StatusCode} {text}");
            else if (!System.Text.Json.JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(field, out _))
                failures.Add($"{name}: no error for {field}: {text}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{tenant}/usage?from=1970-01-01T00:00:00Z&to=2999-12-31T00:00:00Z")).StatusCode);
    }
}
