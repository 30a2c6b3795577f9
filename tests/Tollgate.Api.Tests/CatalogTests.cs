using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

public sealed class CatalogTests : ApiTestBase
{
    [Fact]
    public async Task The_operator_defines_the_catalog_and_everyone_sees_active_plans()
    {
        var ops = await CatalogFixture.CreateAsync(Api);

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/v1/admin/plans/plus/archive", null)).StatusCode);
        var plans = (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray().ToList();

        Assert.Equal(["free", "pro"], plans.Select(p => p.GetProperty("id").GetString()));
        var pro = plans[1];
        Assert.Equal((2_000, "USD", "month", 14), (pro.GetProperty("priceMinor").GetInt64(), pro.GetProperty("currency").GetString(), pro.GetProperty("interval").GetString(), pro.GetProperty("trialDays").GetInt32()));
        Assert.Equal(50_000, pro.GetProperty("quotas").GetProperty(CatalogFixture.Messages).GetInt64());
        Assert.True(plans[0].GetProperty("isDefault").GetBoolean());
        // An archived plan takes no new subscribers.
        var owner = await Api.RegisterAsync("late@example.com");
        await AssertProblem(await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/subscription", new { planId = "plus" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_catalog_input_is_refused_with_the_field_named()
    {
        var ops = await CatalogFixture.CreateAsync(Api);

        await AssertField(await ops.PostAsJsonAsync("/v1/admin/apps", new { id = "Bad App!", name = "x" }), "id");
        await AssertProblem(await ops.PostAsJsonAsync("/v1/admin/apps", new { id = "chat", name = "again" }), HttpStatusCode.Conflict);
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "k", name = "K", unit = "u", window = "weekly" }), "window");
        await AssertProblem(await ops.PostAsJsonAsync("/v1/admin/apps/nope/quota-types", new { key = "k", name = "K", unit = "u", window = "daily" }), HttpStatusCode.NotFound);
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/plans", new { id = "x", name = "X", priceMinor = -1, currency = "USD", interval = "month" }), "priceMinor");
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/plans", new { id = "x", name = "X", priceMinor = 1, currency = "dollars", interval = "month" }), "currency");
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/plans", new { id = "x", name = "X", priceMinor = 1, currency = "USD", interval = "week" }), "interval");
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "x", name = "X", priceMinor = 1, currency = "USD", interval = "month",
            quotas = new Dictionary<string, long> { ["chat/unknown"] = 5 }
        }), "quotas");
        await AssertProblem(await ops.PostAsync("/v1/admin/plans", JsonContent.Create(new { id = "x", name = "X", priceMinor = 9.99, currency = "USD", interval = "month" })),
            HttpStatusCode.BadRequest, "malformed_request"); // money is whole minor units
        await AssertProblem(await ops.PostAsync("/v1/admin/plans/free/archive", null), HttpStatusCode.Conflict);
        await AssertProblem(await ops.PutAsJsonAsync("/v1/admin/plans/nope", new { name = "X", priceMinor = 1, currency = "USD", interval = "month" }), HttpStatusCode.NotFound);
        // A field a route would only ignore is refused: a plan's id is its path, and a new plan has no subscribers to apply to.
        await AssertField(await ops.PutAsJsonAsync("/v1/admin/plans/plus",
            new { id = "gold", name = "X", priceMinor = 1, currency = "USD", interval = "month" }), "id");
        await AssertField(await ops.PostAsJsonAsync("/v1/admin/plans",
            new { id = "x", name = "X", priceMinor = 1, currency = "USD", interval = "month", applyNow = true }), "applyNow");

        var plans = (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray().Select(p => p.GetProperty("id").GetString());
        Assert.Equal(["free", "plus", "pro"], plans);
        var owner = await Api.RegisterAsync("nonop@example.com");
        await AssertProblem(await Api.As(owner.AccessToken).PostAsJsonAsync("/v1/admin/apps", new { id = "x", name = "X" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Making_another_plan_default_moves_new_tenants_to_it()
    {
        var ops = await CatalogFixture.CreateAsync(Api);

        var updated = await ops.PutAsJsonAsync("/v1/admin/plans/plus", new
        {
            name = "Plus", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { [CatalogFixture.Messages] = 1_000 },
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var owner = await Api.RegisterAsync("newdefault@example.com");

        var subscription = await Json(await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/subscription"));
        Assert.Equal("plus", subscription.GetProperty("planId").GetString());
        var defaults = (await Json(await Api.Anonymous().GetAsync("/v1/plans"))).EnumerateArray().Where(p => p.GetProperty("isDefault").GetBoolean());
        Assert.Equal("plus", Assert.Single(defaults).GetProperty("id").GetString());
    }

    private static async Task AssertField(HttpResponseMessage response, string field)
    {
        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }
}
