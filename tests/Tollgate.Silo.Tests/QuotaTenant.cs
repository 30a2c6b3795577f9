using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// A tenant with one lifetime quota ("chat/messages") and an API key that consumes it, set up over
/// HTTP against a silo process the way an operator and a new user would.
/// </summary>
public sealed record QuotaTenant(string TenantId, string Email, string Password, string ApiKey)
{
    public const string QuotaType = "chat/messages";

    /// <summary>The operator defines the app, the quota and a default plan with <paramref name="limit"/>; a user registers and makes a key.</summary>
    public static async Task<QuotaTenant> CreateAsync(Uri silo, string email, string password, long limit)
    {
        using var client = new HttpClient { BaseAddress = silo };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, SiloProcess.OperatorEmail, SiloProcess.OperatorPassword));
        await Created(client.PostAsJsonAsync("/v1/admin/apps", new { id = "chat", name = "Chat" }));
        await Created(client.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "messages", name = "Messages", unit = "message", window = "lifetime" }));
        await Created(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "free", name = "Free", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { [QuotaType] = limit },
        }));
        client.DefaultRequestHeaders.Authorization = null;
        var registered = await Created(client.PostAsJsonAsync("/v1/auth/register", new { email, password }));
        var tenantId = registered.GetProperty("tenant").GetProperty("id").GetString()!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", registered.GetProperty("accessToken").GetString());
        var key = await Created(client.PostAsJsonAsync($"/v1/tenants/{tenantId}/api-keys", new { name = "app", scopes = new[] { "quota:consume" } }));
        return new QuotaTenant(tenantId, email, password, key.GetProperty("key").GetString()!);
    }

    /// <summary>An HTTP client of the tenant's app on <paramref name="silo"/>.</summary>
    public HttpClient App(Uri silo)
    {
        var app = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(60) };
        app.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return app;
    }

    public static Task<HttpResponseMessage> ConsumeAsync(HttpClient app, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume") { Content = JsonContent.Create(new { quotaType = QuotaType, amount = 1 }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return app.SendAsync(request);
    }

    /// <summary>What the quota has used, as the tenant's owner reads it.</summary>
    public async Task<long> UsedAsync(Uri silo)
    {
        using var client = new HttpClient { BaseAddress = silo };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, Email, Password));
        var quotas = JsonDocument.Parse(await client.GetStringAsync($"/v1/tenants/{TenantId}/quotas")).RootElement;
        return quotas.EnumerateArray().Single().GetProperty("used").GetInt64();
    }

    private static async Task<string> TokenAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/v1/auth/login", new { email, password });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonElement> Created(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
