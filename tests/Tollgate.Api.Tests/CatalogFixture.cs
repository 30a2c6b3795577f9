using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

/// <summary>A catalog the way an operator sets one up, over HTTP.</summary>
public static class CatalogFixture
{
    public const string Messages = "chat/messages"; // monthly
    public const string Tokens = "chat/tokens";     // daily
    public const string Seats = "chat/seats";       // lifetime
    public const string Exports = "chat/exports";   // in no plan

    public static async Task<HttpClient> CreateAsync(ApiFactory api)
    {
        var ops = api.As((await api.LoginOperatorAsync()).AccessToken);
        await Expect(ops.PostAsJsonAsync("/v1/admin/apps", new { id = "chat", name = "Chat" }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "messages", name = "Messages", unit = "message", window = "monthly" }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "tokens", name = "Tokens", unit = "token", window = "daily" }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "seats", name = "Seats", unit = "seat", window = "lifetime" }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "exports", name = "Exports", unit = "export", window = "monthly" }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "free", name = "Free", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { [Messages] = 100, [Tokens] = 1_000, [Seats] = 3 },
        }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "plus", name = "Plus", priceMinor = 0, currency = "USD", interval = "month",
            quotas = new Dictionary<string, long> { [Messages] = 1_000, [Tokens] = 10_000, [Seats] = 10 },
        }));
        await Expect(ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "pro", name = "Pro", priceMinor = 2_000, currency = "USD", interval = "month", trialDays = 14, stripePriceId = "price_123",
            quotas = new Dictionary<string, long> { [Messages] = 50_000, [Tokens] = 1_000_000, [Seats] = 100 },
            features = new Dictionary<string, object> { ["sso"] = true },
        }));
        return ops;
    }

    private static async Task Expect(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
