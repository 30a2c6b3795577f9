using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>The real silo (Program) in the ASP.NET test host, with an operator account and a shiftable clock.</summary>
/// <param name="services">Replaces services the silo would use (a faulty journal, say).</param>
/// <param name="mailbox">The SMTP server the silo sends its emails to.</param>
public sealed class ApiFactory(
    StorageTarget storage, TestMailbox mailbox, OffsetTimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string OperatorEmail = "ops@tollgate.test";
    public const string OperatorPassword = "operator-password";

    // Every test's silo runs in this process: a thousand PBKDF2 iterations per password rather than 100,000 (see Passwords).
    static ApiFactory() => Tollgate.Grains.Identity.Passwords.UseIterationsInTests(1_000);

    public OffsetTimeProvider Clock { get; } = clock ?? new OffsetTimeProvider();

    public TestMailbox Mailbox => mailbox;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = InProcessSiloSettings.For(storage, OperatorEmail, OperatorPassword);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            // Subscriptions look at their boundaries every second, so a test that moves the clock sees them pass.
            ["Orleans:MinimumReminderPeriod"] = "00:00:01",
            // Silos of one test share a process with every other test's: a pause of the whole process under a loaded
            // CI machine must not get a silo voted dead (no test here kills a silo; Silo.Tests' process tests do).
            ["Orleans:ProbeTimeout"] = "00:00:10",
            ["Subscriptions:ReminderPeriod"] = "00:00:01",
            ["QuotaAlerts:ReminderPeriod"] = "00:00:01", // alerted counters look at their window's end every second too
            ["TopUsage:ReportPeriod"] = "00:00:00.500", // counters report their month's usage twice a second
            ["Credits:ReminderPeriod"] = "00:00:01",
            // Emails go to the test's own SMTP server, looked for every 100 ms and tried again 200 ms after a failure.
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = mailbox.Port.ToString(),
            ["Email:Smtp:UseTls"] = "false",
            ["Email:From"] = "Tollgate <no-reply@tollgate.test>",
            ["Email:PublicBaseUrl"] = "http://tollgate.test",
            ["Email:Outbox:PollInterval"] = "00:00:00.100",
            ["Email:Outbox:FirstRetryDelay"] = "00:00:00.200",
            ["Email:Outbox:MaxRetryDelay"] = "00:00:01",
        }) all[key] = value;
        foreach (var (key, value) in all.Concat(settings ?? new Dictionary<string, string?>())) builder.UseSetting(key, value);
        builder.ConfigureTestServices(collection =>
        {
            collection.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock); // Tollgate's clock; Orleans keeps its own
            collection.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler, StopSiloOnFatalError>());
            collection.ShareDashboardAssets().StopSiloOnce();
            services?.Invoke(collection);
        });
    }

    public HttpClient Anonymous() => CreateClient();

    public HttpClient As(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public HttpClient WithApiKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task<Account> RegisterAsync(string email, string password = "correct-horse", string? name = null)
    {
        var response = await Anonymous().PostAsJsonAsync("/v1/auth/register", new { email, password, name });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Account(
            body.GetProperty("user").GetProperty("id").GetString()!, email, password,
            body.GetProperty("tenant").GetProperty("id").GetString()!,
            body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    /// <summary>Issues an API key for the owner's tenant and returns its secret (shown only this once).</summary>
    public async Task<string> IssueApiKeyAsync(Account owner, params string[] scopes)
    {
        var response = await As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys", new { name = "app", scopes });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>Follows the latest verification link emailed to the account, as its owner would.</summary>
    public async Task VerifyEmailAsync(Account account)
    {
        var sent = await Mailbox.WaitForAsync(account.Email);
        var token = TestMailbox.TokenIn(sent.Last(m => (m.Subject ?? "").StartsWith("Verify", StringComparison.Ordinal)));
        var verified = await Anonymous().PostAsJsonAsync("/v1/auth/verify-email", new { token });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, verified.StatusCode);
    }

    /// <summary>
    /// Makes <paramref name="account"/> a member of the owner's tenant by invitation: the owner invites, the account
    /// (verified first, if it is not yet) accepts.
    /// </summary>
    public async Task AddMemberAsync(Account owner, string tenantId, Account account, string role)
    {
        var me = await As(account.AccessToken).GetFromJsonAsync<JsonElement>("/v1/me");
        if (!me.GetProperty("emailVerified").GetBoolean()) await VerifyEmailAsync(account);
        var invited = await As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{tenantId}/invitations", new { email = account.Email, role });
        Assert.Equal(System.Net.HttpStatusCode.Created, invited.StatusCode);
        var id = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await As(account.AccessToken).PostAsync($"/v1/invitations/{id}/accept", null)).StatusCode);
    }

    public async Task<Account> LoginOperatorAsync()
    {
        var response = await Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = OperatorEmail, password = OperatorPassword });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var me = await As(body.GetProperty("accessToken").GetString()!).GetFromJsonAsync<JsonElement>("/v1/me");
        return new Account(me.GetProperty("id").GetString()!, OperatorEmail, OperatorPassword,
            me.GetProperty("tenants")[0].GetProperty("id").GetString()!,
            body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }
}

public sealed record Account(string UserId, string Email, string Password, string TenantId, string AccessToken, string RefreshToken);

/// <summary>Fresh storage and a started API per test.</summary>
public abstract class ApiTestBase : ApiTestHelpers, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    protected ApiFactory Api { get; private set; } = null!;
    protected StorageTarget Storage { get; private set; } = null!;

    /// <summary>The SMTP server every silo of the test sends to; it outlives restarts.</summary>
    protected TestMailbox Mailbox { get; } = new();

    protected virtual StorageProviderKind Provider => StorageProviderKind.Sqlite;

    /// <summary>Configuration added on top of the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Storage = await StorageTarget.CreateAsync(Provider);
        Api = await StartAsync();
    }

    protected async Task<ApiFactory> StartAsync(OffsetTimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        var api = new ApiFactory(Storage, Mailbox, clock, Settings, services);
        _cleanup.Insert(0, api);
        api.CreateClient().Dispose(); // starts the host
        return await Task.FromResult(api);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
        await Storage.DisposeAsync();
        await Mailbox.DisposeAsync();
    }

    /// <summary>
    /// Everything the database (SQLite or PostgreSQL) holds in its state, journal and outbox tables, as text (state is JSON
    /// in a blob). Dispose the API first, so everything is committed and checkpointed into the file.
    /// </summary>
    protected async Task<string> StoredTextAsync()
    {
        var stored = new System.Text.StringBuilder();
        await using System.Data.Common.DbConnection connection = Storage.Provider == StorageProviderKind.PostgreSql
            ? new Npgsql.NpgsqlConnection(Storage.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[]
            { "OrleansStorage", "grain_state", "journal", "grain_entries", "email_outbox", "event_outbox", "webhook_deliveries",
                "webhook_attempts" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++) stored.Append(Text(reader.IsDBNull(i) ? "" : reader.GetValue(i))).Append('|');
        }
        return stored.ToString();
        static string Text(object value) => value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : value.ToString()!;
    }
}

/// <summary>What tests on a silo of their own (<see cref="ApiTestBase"/>) or a shared one (<see cref="SharedApiTestBase"/>) use.</summary>
public abstract class ApiTestHelpers
{
    /// <summary>The tenant's audit actions, newest first, as an operator reads them.</summary>
    protected static async Task<List<string>> AuditActionsAsync(HttpClient operatorClient, string tenantId) =>
        (await Json(await operatorClient.GetAsync($"/v1/admin/audit-log?tenantId={tenantId}&limit=500"))).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("action").GetString()!).ToList();

    /// <summary>Waits up to 10 s for what a reminder or another background step will do.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        // Read as text: it comes from the buffered body, so a response can be inspected more than once.
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    protected static async Task AssertProblem(HttpResponseMessage response, System.Net.HttpStatusCode status, string? code = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
    }
}
