using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tollgate.Testing;

namespace Tollgate.Sdk.Harness;

/// <summary>
/// What the SDK suites are told on start-up: where the silo, the proxy and the control routes are, the catalog, and a
/// platform key (every scope) that acts for any tenant a request names, as an app serving many tenants would hold.
/// </summary>
public sealed record HarnessDescription(
    string BaseUrl, string ProxyUrl, string ControlUrl,
    string QuotaType, long QuotaLimit, string Tool, long CreditsPerUnit, long MonthlyCredits, string PlatformKey);

/// <summary>A fresh tenant on the SDK plan with an API key that holds every scope.</summary>
public sealed record HarnessTenant(string TenantId, string ApiKey, string Email, string Password);

/// <summary>
/// The catalog every SDK suite tests against, defined over HTTP the way an operator would: the app "sdk" with a lifetime quota
/// "sdk/calls" limited to 10 and a tool "sdk/render" at 2 credits a unit, on the default plan "sdk-free" with 100 monthly credits.
/// </summary>
public sealed class SdkCatalog(Uri silo)
{
    public const string QuotaType = "sdk/calls";
    public const long QuotaLimit = 10;
    public const string Tool = "sdk/render";
    public const long CreditsPerUnit = 2;
    public const long MonthlyCredits = 100;

    private static readonly string[] s_allScopes = ["quota:consume", "quota:read", "credits:consume", "credits:read"];
    private int _tenants;

    /// <summary>Defines the catalog and returns a new platform key.</summary>
    public async Task<string> DefineAsync()
    {
        using var client = new HttpClient { BaseAddress = silo };
        var token = await TokenAsync(client, SiloProcess.OperatorEmail, SiloProcess.OperatorPassword);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await CreatedAsync(client.PostAsJsonAsync("/v1/admin/apps", new { id = "sdk", name = "SDK tests" }));
        await CreatedAsync(client.PostAsJsonAsync("/v1/admin/apps/sdk/quota-types",
            new { key = "calls", name = "Calls", unit = "call", window = "lifetime" }));
        await CreatedAsync(client.PostAsJsonAsync("/v1/admin/apps/sdk/tools",
            new { key = "render", name = "Render", creditsPerUnit = CreditsPerUnit }));
        await CreatedAsync(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "sdk-free", name = "SDK free", priceMinor = 0, currency = "usd", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { [QuotaType] = QuotaLimit }, monthlyCredits = MonthlyCredits,
        }));
        var platformKey = await CreatedAsync(
            client.PostAsJsonAsync("/v1/admin/api-keys", new { name = "sdk tests", scopes = s_allScopes }));
        return platformKey.GetProperty("key").GetString()!;
    }

    /// <summary>Registers a new person, whose tenant starts on the default plan, and makes the tenant's API key.</summary>
    public async Task<HarnessTenant> NewTenantAsync()
    {
        using var client = new HttpClient { BaseAddress = silo };
        var email = $"sdk-{Interlocked.Increment(ref _tenants)}-{Guid.NewGuid():N}@tollgate.test";
        const string password = "sdk-tenant-password";
        var registered = await CreatedAsync(client.PostAsJsonAsync("/v1/auth/register", new { email, password }));
        var tenantId = registered.GetProperty("tenant").GetProperty("id").GetString()!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", registered.GetProperty("accessToken").GetString());
        var key = await CreatedAsync(
            client.PostAsJsonAsync($"/v1/tenants/{tenantId}/api-keys", new { name = "sdk tests", scopes = s_allScopes }));
        return new HarnessTenant(tenantId, key.GetProperty("key").GetString()!, email, password);
    }

    private static async Task<string> TokenAsync(HttpClient client, string email, string password)
    {
        using var response = await client.PostAsJsonAsync("/v1/auth/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The operator could not log in ({(int)response.StatusCode}): {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonElement> CreatedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HarnessDescription))]
[JsonSerializable(typeof(HarnessTenant))]
internal sealed partial class HarnessJson : JsonSerializerContext;
