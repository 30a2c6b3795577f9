using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tollgate.Silo.Tests;

/// <summary>
/// The silo process is killed with SIGKILL in the middle of a stream of consumes. Every
/// acknowledged deduction must survive, and retrying the unanswered ones with their idempotency
/// keys must apply each exactly once.
/// </summary>
public sealed class KillNineTests : IDisposable
{
    private readonly SiloProcess _silo = new();

    [Fact]
    public async Task Acknowledged_consumes_survive_kill_9_and_retries_apply_once()
    {
        var (client, key) = await SetUpAsync();
        var acknowledged = new ConcurrentBag<string>();
        var unanswered = new ConcurrentBag<string>();
        using var app = new HttpClient { BaseAddress = client.BaseAddress };
        app.DefaultRequestHeaders.Add("X-Api-Key", key);

        using var killed = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; !killed.IsCancellationRequested; i++)
            {
                var idempotencyKey = $"s{sender}-{i}";
                try
                {
                    var response = await SendAsync(app, idempotencyKey);
                    if (response.StatusCode == HttpStatusCode.OK) acknowledged.Add(idempotencyKey);
                    else unanswered.Add(idempotencyKey);
                }
                catch (HttpRequestException)
                {
                    unanswered.Add(idempotencyKey); // the silo died before answering
                    return;
                }
            }
        })).ToList();
        // Kill mid-stream once a good number is acknowledged (a busy CI machine may take a while).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count < 200 && DateTime.UtcNow < deadline) await Task.Delay(50);
        _silo.Kill();
        killed.Cancel();
        await Task.WhenAll(senders);
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} consumes were acknowledged before the kill");

        await _silo.StartAsync();
        var used = await UsedAsync(client);
        Assert.InRange(used, acknowledged.Count, acknowledged.Count + unanswered.Count);

        foreach (var idempotencyKey in unanswered.Concat(acknowledged.Take(50)))
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, idempotencyKey)).StatusCode);
        Assert.Equal(acknowledged.Count + unanswered.Count, await UsedAsync(client));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient app, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume") { Content = JsonContent.Create(new { quotaType = "chat/messages", amount = 1 }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return app.SendAsync(request);
    }

    private string _tenantId = "";
    private readonly string _password = "kill-nine-pass";
    private readonly string _email = "k9@example.com";

    private async Task<(HttpClient Client, string ApiKey)> SetUpAsync()
    {
        await _silo.StartAsync();
        var client = new HttpClient { BaseAddress = _silo.BaseAddress };
        var ops = await TokenAsync(client, SiloProcess.OperatorEmail, SiloProcess.OperatorPassword);
        client.DefaultRequestHeaders.Authorization = new("Bearer", ops);
        await Created(client.PostAsJsonAsync("/v1/admin/apps", new { id = "chat", name = "Chat" }));
        await Created(client.PostAsJsonAsync("/v1/admin/apps/chat/quota-types", new { key = "messages", name = "Messages", unit = "message", window = "lifetime" }));
        await Created(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "free", name = "Free", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { ["chat/messages"] = 10_000_000 },
        }));
        client.DefaultRequestHeaders.Authorization = null;
        var registered = await Created(client.PostAsJsonAsync("/v1/auth/register", new { email = _email, password = _password }));
        _tenantId = registered.GetProperty("tenant").GetProperty("id").GetString()!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", registered.GetProperty("accessToken").GetString());
        var key = await Created(client.PostAsJsonAsync($"/v1/tenants/{_tenantId}/api-keys", new { name = "app", scopes = new[] { "quota:consume" } }));
        return (client, key.GetProperty("key").GetString()!);
    }

    private async Task<long> UsedAsync(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, _email, _password));
        var quotas = JsonDocument.Parse(await client.GetStringAsync($"/v1/tenants/{_tenantId}/quotas")).RootElement;
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

    public void Dispose() => _silo.Dispose();
}
