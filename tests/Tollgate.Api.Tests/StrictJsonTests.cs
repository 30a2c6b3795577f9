using System.Net;
using System.Text;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>Request bodies are read strictly: repeated or unknown fields and numbers sent as strings are refused, naming the field.</summary>
public sealed class StrictJsonTests(SharedApi shared) : SharedApiTestBase(shared)
{
    public static TheoryData<string, string> BadRegistrations => new()
    {
        { """{"email":"a@example.com","password":"long-enough","email":"b@example.com"}""", "email" },
        { """{"email":"a@example.com","password":"long-enough","isOperator":true}""", "isOperator" },
        { """{"email":"a@example.com","password":"long-enough","tenantName":"A","tenantName":"B"}""", "tenantName" },
    };

    [Theory, MemberData(nameof(BadRegistrations))]
    public async Task A_registration_with_a_repeated_or_unknown_field_is_refused_naming_it(string body, string field)
    {
        var response = await PostAsync(Api.Anonymous(), "/v1/auth/register", body);

        await AssertFieldRefused(response, field);
        await AssertProblem(await PostAsync(Api.Anonymous(), "/v1/auth/login", """{"email":"a@example.com","password":"long-enough"}"""),
            HttpStatusCode.Unauthorized, "invalid_credentials"); // nothing was registered
    }

    [Fact]
    public async Task Numbers_sent_as_strings_are_refused_naming_the_field()
    {
        var ops = await CreateAsync(Api);
        var owner = await Api.RegisterAsync("numbers@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");

        var plan = await PostAsync(ops, "/v1/admin/plans", """{"id":"cheap","name":"Cheap","priceMinor":"100","currency":"USD","interval":"month"}""");
        var grant = await PostAsync(ops, $"/v1/admin/tenants/{owner.TenantId}/subscription", """{"planId":"plus","trialDays":"3"}""");
        var consume = await PostAsync(Api.WithApiKey(key), "/v1/quota/consume", $$"""{"quotaType":"{{Messages}}","amount":"1"}""");

        await AssertFieldRefused(plan, "priceMinor");
        await AssertFieldRefused(grant, "trialDays");
        await AssertFieldRefused(consume, "amount");
        Assert.Equal(0, (await QuotaUsedAsync(owner)));
    }

    [Fact]
    public async Task Unknown_fields_on_write_endpoints_are_refused_and_responses_stay_camel_case()
    {
        var owner = await Api.RegisterAsync("unknown@example.com");
        var client = Api.As(owner.AccessToken);

        var key = await PostAsync(client, $"/v1/tenants/{owner.TenantId}/api-keys", """{"name":"app","scopes":["quota:consume"],"tenantId":"other"}""");
        var tenant = await SendAsync(client, HttpMethod.Patch, $"/v1/tenants/{owner.TenantId}", """{"settings":{"billingEmail":"b@example.com","cc":"x"}}""");
        var me = await SendAsync(client, HttpMethod.Patch, "/v1/me", """{"name":"New","name":"Newer"}""");

        await AssertFieldRefused(key, "tenantId");
        await AssertFieldRefused(tenant, "settings.cc");
        await AssertFieldRefused(me, "name");
        var created = await PostAsync(client, $"/v1/tenants/{owner.TenantId}/api-keys", """{"name":"app","scopes":["quota:consume"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("tg_", (await Json(created)).GetProperty("key").GetString());
        Assert.True((await Json(created)).TryGetProperty("createdAt", out _)); // responses are still camelCase
    }

    private async Task<long> QuotaUsedAsync(Account owner)
    {
        var quotas = await Json(await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/quotas"));
        return quotas.EnumerateArray().Sum(q => q.GetProperty("used").GetInt64());
    }

    private static async Task AssertFieldRefused(HttpResponseMessage response, string field)
    {
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        var problem = await Json(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        Assert.DoesNotContain("System.", problem.ToString());
        Assert.DoesNotContain("Tollgate.", problem.ToString());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string json) => SendAsync(client, HttpMethod.Post, url, json);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
}
