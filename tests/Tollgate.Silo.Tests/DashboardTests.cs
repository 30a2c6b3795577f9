using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Grains;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// The Orleans Dashboard's HTTP routes as the operator's page cookie reaches them on a silo process:
/// caller input that names nothing answers a 4xx problem, and the grain-state view shows the state
/// of grains that hold no secret, and only theirs.
/// </summary>
public sealed partial class DashboardTests(DashboardTests.OperatorDashboard dashboard) : IClassFixture<DashboardTests.OperatorDashboard>
{
    [Theory]
    [InlineData("SiloProperties")]
    [InlineData("SiloCounters")]
    [InlineData("SiloMetadata")]
    [InlineData("HistoricalStats")]
    public async Task A_silo_view_answers_404_for_an_address_that_names_no_silo_of_the_cluster(string view)
    {
        foreach (var address in new[] { "x", "127.0.0.1:1@1", "127.0.0.1:1@1/more" })
            await AssertProblemAsync(await dashboard.Client.GetAsync($"/dashboard/{view}/{address}"), HttpStatusCode.NotFound, "not_found");

        var silo = await dashboard.SiloAddressAsync();
        Assert.Equal(HttpStatusCode.OK, (await dashboard.Client.GetAsync($"/dashboard/{view}/{silo}")).StatusCode);
    }

    [Fact]
    public async Task The_grain_state_view_shows_counters_subscriptions_the_catalog_and_tenants_without_secrets()
    {
        var tenant = await dashboard.TenantAsync();

        var counter = await StateAsync<QuotaCounterGrain>($"{tenant.TenantId}/{QuotaTenant.QuotaType}");
        Assert.Equal(1, counter.GetProperty("used").GetInt64());
        var subscription = await StateAsync<SubscriptionGrain>(tenant.TenantId);
        Assert.Equal("free", subscription.GetProperty("planId").GetString());
        var catalog = await StateAsync<CatalogGrain>("catalog");
        Assert.Contains(catalog.GetProperty("quotaTypes").EnumerateArray(), type => type.GetProperty("id").GetString() == QuotaTenant.QuotaType);
        var tenantState = await StateAsync<TenantGrain>(tenant.TenantId);
        Assert.Equal("app", Assert.Single(tenantState.GetProperty("apiKeys").EnumerateArray()).GetProperty("name").GetString());
        Assert.DoesNotContain("\"hash\"", tenantState.GetRawText(), StringComparison.OrdinalIgnoreCase); // the key's hash stays hidden
        Assert.Contains(tenant.TenantId, (await StateAsync<PlanSubscribersGrain>("free")).GetRawText());
    }

    [Fact]
    public async Task The_grain_state_view_refuses_every_grain_class_that_holds_secrets()
    {
        var tenant = await dashboard.TenantAsync();
        var hidden = GrainsAssembly.Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(type))
            .Where(type => !typeof(IStateShownOnDashboard).IsAssignableFrom(type))
            .ToList();
        Assert.Contains(typeof(UserGrain), hidden);
        Assert.Contains(typeof(SessionGrain), hidden);
        Assert.Contains(typeof(ApiKeyGrain), hidden);
        Assert.Contains(typeof(PlatformSecretGrain), hidden);

        foreach (var grainClass in hidden)
            await AssertProblemAsync(await GetStateAsync(grainClass.FullName!, tenant.TenantId), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_grain_state_view_answers_a_problem_for_an_unknown_grain_class_or_a_missing_key()
    {
        await AssertProblemAsync(await GetStateAsync("Tollgate.Grains.NoSuchGrain", "x"), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await dashboard.Client.GetAsync($"/dashboard/GrainState?grainType={typeof(CatalogGrain).FullName}"),
            HttpStatusCode.BadRequest, "validation_failed");
    }

    private async Task<JsonElement> StateAsync<TGrain>(string grainId)
    {
        var response = await GetStateAsync(typeof(TGrain).FullName!, grainId);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        // As the dashboard answers: a JSON string, which its page shows as it is.
        return JsonDocument.Parse(JsonSerializer.Deserialize<string>(body)!).RootElement.Clone();
    }

    private Task<HttpResponseMessage> GetStateAsync(string grainType, string grainId) =>
        dashboard.Client.GetAsync($"/dashboard/GrainState?grainType={Uri.EscapeDataString(grainType)}&grainId={Uri.EscapeDataString(grainId)}");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    /// <summary>A silo process, and a client holding the operator's page cookie from <c>/signin</c>.</summary>
    public sealed partial class OperatorDashboard : IAsyncLifetime
    {
        private readonly SiloProcess _silo = new();
        private Task<QuotaTenant>? _tenant;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _silo.StartAsync();
            Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            {
                BaseAddress = _silo.BaseAddress,
            };
            var form = await Client.GetStringAsync("/signin");
            var token = WebUtility.HtmlDecode(TokenField().Match(form).Groups[1].Value);
            var signedIn = await Client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["_handler"] = "signin", // the sign-in page's form names itself
                ["email"] = SiloProcess.OperatorEmail,
                ["password"] = SiloProcess.OperatorPassword,
            }));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        /// <summary>A tenant on the default plan whose app has consumed once (set up once for the class).</summary>
        public Task<QuotaTenant> TenantAsync() => _tenant ??= CreateTenantAsync();

        private async Task<QuotaTenant> CreateTenantAsync()
        {
            var tenant = await QuotaTenant.CreateAsync(_silo.BaseAddress, "dashboard@example.com", "dashboard-password", limit: 10);
            using var app = tenant.App(_silo.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, (await QuotaTenant.ConsumeAsync(app, "first")).StatusCode);
            return tenant;
        }

        public async Task<string> SiloAddressAsync()
        {
            var counters = JsonDocument.Parse(await Client.GetStringAsync("/dashboard/DashboardCounters")).RootElement;
            return counters.GetProperty("hosts")[0].GetProperty("siloAddress").GetString()!;
        }

        public Task DisposeAsync()
        {
            Client.Dispose();
            _silo.Dispose();
            return Task.CompletedTask;
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
        private static partial Regex TokenField();
    }
}
