using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Webhooks;
using Tollgate.Storage.Hosting;
using Tollgate.Storage.Webhooks;

namespace Tollgate.Api.Webhooks;

/// <summary>
/// Each silo's webhook dispatcher. It claims new events (a claim is one silo's for its lease) and fans each out into one
/// delivery per endpoint of its tenant that takes its type and is enabled; then claims the deliveries due, attempts each,
/// logs the attempt and schedules the next (<see cref="WebhookRetrySchedule"/>), and tells the endpoint's grain how it went.
/// An attempt is logged after it is made: a silo that dies in between has it made again once the lease ends, so a
/// receiver may, rarely, get an event twice (its id says so); nothing is lost.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookStore store, WebhookSender sender, IGrainFactory grains, IOptions<WebhookOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : PeriodicService(options.Value.PollInterval, logger)
{
    /// <summary>The longest an attempt may wait for its answer: well within a claim's lease.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    private const int Batch = 20;
    private const int Parallelism = 8;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override string Work => "Dispatching webhooks";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        await FanOutAsync(stoppingToken);
        await DeliverAsync(stoppingToken);
    }

    private async Task FanOutAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<OutboxEvent> claimed;
        do
        {
            var realNow = DateTimeOffset.UtcNow;
            claimed = await store.ClaimEventsAsync(realNow, realNow + Lease, Batch, stoppingToken);
            var targets = new Targets(grains);
            foreach (var outboxEvent in claimed)
            {
                var deliveries = new List<NewDelivery>();
                if (Read(outboxEvent) is var (eventId, eventType))
                {
                    foreach (var target in await targets.OfAsync(outboxEvent.TenantId))
                        if (target.Takes(eventType, outboxEvent.At)) deliveries.Add(new NewDelivery(Secrets.NewId("whd"),
                            target.Id, eventId, eventType));
                }
                await store.FanOutAsync(outboxEvent, deliveries, clock.GetUtcNow(), CancellationToken.None);
            }
        }
        while (claimed.Count == Batch && !stoppingToken.IsCancellationRequested);
    }

    private (string Id, string Type)? Read(OutboxEvent outboxEvent)
    {
        try
        {
            using var document = JsonDocument.Parse(outboxEvent.Payload);
            return (document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("type").GetString()!);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogError(exception, "Event {Grain}/{Sequence} is not an event and goes to no endpoint", outboxEvent.GrainId,
                outboxEvent.GrainSeq);
            return null;
        }
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<ClaimedDelivery> claimed;
        do
        {
            var realNow = DateTimeOffset.UtcNow;
            claimed = await store.ClaimDueAsync(clock.GetUtcNow(), realNow, realNow + Lease, Batch, stoppingToken);
            var targets = new Targets(grains);
            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (delivery, _) =>
            {
                // A silo stopping starts no attempt: what it claimed goes back for any silo to take at once.
                if (stoppingToken.IsCancellationRequested) await store.ReleaseAsync(delivery, CancellationToken.None);
                else await AttemptAsync(delivery, await targets.OfAsync(delivery.TenantId));
            });
        }
        while (claimed.Count == Batch && !stoppingToken.IsCancellationRequested);
    }

    private async Task AttemptAsync(ClaimedDelivery delivery, IReadOnlyList<WebhookTarget> targets)
    {
        if (targets.FirstOrDefault(t => t.Id == delivery.EndpointId) is not { Enabled: true } target)
        {
            await store.CancelAsync(delivery, clock.GetUtcNow(), CancellationToken.None);
            return;
        }
        var attempt = await sender.SendAsync(target, delivery, manual: false);
        var settings = options.Value;
        var retryAt = attempt.Succeeded ? null
            : WebhookRetrySchedule.Next(delivery.Attempts + 1, delivery.FirstAttemptAt ?? attempt.At, attempt.At,
                settings.FirstRetryDelay, settings.MaxRetryDelay);
        await store.RecordAttemptAsync(delivery, attempt, retryAt, CancellationToken.None);
        if (!attempt.Succeeded)
            logger.LogInformation("Delivery {Delivery} of {Event} to {Endpoint} failed ({Error}); next attempt {RetryAt}",
                delivery.Id, delivery.EventId, delivery.EndpointId, attempt.Error, retryAt);
        await grains.GetGrain<IWebhookEndpointsGrain>(delivery.TenantId).ReportAttempt(delivery.EndpointId, attempt.Succeeded, attempt.At);
    }

    /// <summary>
    /// A redelivery someone asked for: an attempt now, with the same event id, logged as manual. Null when the endpoint has no
    /// such delivery; <c>Busy</c> when an attempt at it is under way.
    /// </summary>
    public async Task<(StoredDelivery? Delivery, bool Busy)> RedeliverAsync(string tenantId, WebhookTarget target, string deliveryId,
        AuditActor actor, CancellationToken cancellationToken)
    {
        var realNow = DateTimeOffset.UtcNow;
        var (claimed, busy) = await store.ClaimForRedeliveryAsync(tenantId, target.Id, deliveryId, realNow, realNow + Lease,
            cancellationToken);
        if (claimed is null) return (null, busy);
        var attempt = await sender.SendAsync(target, claimed, manual: true);
        await store.RecordRedeliveryAsync(claimed, attempt, CancellationToken.None);
        var endpoints = grains.GetGrain<IWebhookEndpointsGrain>(tenantId);
        await endpoints.AuditRedelivery(target.Id, deliveryId, claimed.EventId, attempt.StatusCode, actor);
        await endpoints.ReportAttempt(target.Id, attempt.Succeeded, attempt.At);
        return (await store.GetAsync(tenantId, target.Id, deliveryId, CancellationToken.None), false);
    }

    /// <summary>Each tenant's endpoints, asked of its grain once per batch.</summary>
    private sealed class Targets(IGrainFactory grains)
    {
        private readonly Dictionary<string, Task<IReadOnlyList<WebhookTarget>>> _byTenant = [];
        private readonly Lock _lock = new();

        public Task<IReadOnlyList<WebhookTarget>> OfAsync(string tenantId)
        {
            lock (_lock)
            {
                if (!_byTenant.TryGetValue(tenantId, out var targets))
                    _byTenant[tenantId] = targets = grains.GetGrain<IWebhookEndpointsGrain>(tenantId).GetTargets();
                return targets;
            }
        }
    }
}
