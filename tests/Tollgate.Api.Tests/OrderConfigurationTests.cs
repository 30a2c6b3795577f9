using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

/// <summary>A silo without Alipay's or WeChat Pay's keys: orders and notifications say which provider is not configured.</summary>
public sealed class OrderConfigurationTests(SharedApi shared) : SharedApiTestBase(shared)
{
    [Fact]
    public async Task A_provider_without_its_keys_answers_503_naming_it_and_stores_nothing()
    {
        var owner = await Api.RegisterAsync("unconfigured@example.com");
        var client = Api.As(owner.AccessToken);
        foreach (var provider in new[] { "alipay", "wechatpay" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{owner.TenantId}/orders")
            {
                Content = JsonContent.Create(new { provider, packId = "any" }),
            };
            request.Headers.Add("Idempotency-Key", provider);
            var response = await client.SendAsync(request);
            await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "payments_not_configured");
            Assert.Equal(provider, (await Json(response)).GetProperty("provider").GetString());

            var notification = await Api.Anonymous().PostAsync($"/v1/webhooks/{provider}", new StringContent("{}"));
            await AssertProblem(notification, HttpStatusCode.ServiceUnavailable, "payments_not_configured");
        }
        Assert.Empty((await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/orders"))).EnumerateArray());
    }
}
