using System.Collections.Concurrent;
using System.Net;
using Tollgate.Testing;

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
        await _silo.StartAsync();
        var tenant = await QuotaTenant.CreateAsync(_silo.BaseAddress, "k9@example.com", "kill-nine-pass", limit: 10_000_000);
        var acknowledged = new ConcurrentBag<string>();
        var unanswered = new ConcurrentBag<string>();
        using var app = tenant.App(_silo.BaseAddress);

        using var killed = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; !killed.IsCancellationRequested; i++)
            {
                var idempotencyKey = $"s{sender}-{i}";
                try
                {
                    var response = await QuotaTenant.ConsumeAsync(app, idempotencyKey);
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
        var used = await tenant.UsedAsync(_silo.BaseAddress);
        Assert.InRange(used, acknowledged.Count, acknowledged.Count + unanswered.Count);

        foreach (var idempotencyKey in unanswered.Concat(acknowledged.Take(50)))
            Assert.Equal(HttpStatusCode.OK, (await QuotaTenant.ConsumeAsync(app, idempotencyKey)).StatusCode);
        Assert.Equal(acknowledged.Count + unanswered.Count, await tenant.UsedAsync(_silo.BaseAddress));
    }

    public void Dispose() => _silo.Dispose();
}
