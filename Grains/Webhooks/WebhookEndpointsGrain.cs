using Microsoft.AspNetCore.DataProtection;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Webhooks;

/// <summary>
/// A tenant's webhook endpoints. Not shown on the dashboard: it holds the signing secrets (encrypted, but still secrets).
/// </summary>
[GrainType("webhook-endpoints")]
public sealed class WebhookEndpointsGrain(
    [PersistentState("webhook-endpoints", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<WebhookEndpointsState>> store,
    IStateEntryReader entries, IDataProtectionProvider dataProtection)
    : RecordingGrain, IWebhookEndpointsGrain
{
    public const string Disabled = "failing";
    public const string DisabledOnRequest = "requested";

    private readonly StateWithRecords<WebhookEndpointsState> _endpoints = new(store, entries);
    private readonly IDataProtector _secrets = dataProtection.CreateProtector(WebhookSecrets.Purpose);

    private protected override IOwnedByGrain Recorded => _endpoints;

    private Dictionary<string, StoredWebhookEndpoint> Endpoints => _endpoints.State.Endpoints;
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<CreatedWebhookEndpoint?> Create(WebhookEndpointSpec spec, AuditActor actor)
    {
        if (Endpoints.Count >= IWebhookEndpointsGrain.MaxEndpoints) return null;
        var now = TimeProvider.GetUtcNow();
        var secret = WebhookSecrets.New();
        var endpoint = new StoredWebhookEndpoint
        {
            Id = Secrets.NewId("we"), Url = spec.Url, EventTypes = [.. spec.EventTypes], Description = spec.Description,
            CreatedAt = now, UpdatedAt = now, ProtectedSecret = _secrets.Protect(secret),
        };
        Endpoints[endpoint.Id] = endpoint;
        await _endpoints.WriteStateAsync([Audit(actor, now, "webhook_endpoint.created", endpoint.Id, before: null,
            after: endpoint.Info())]);
        return new CreatedWebhookEndpoint(endpoint.Info(), secret);
    }

    public Task<IReadOnlyList<WebhookEndpointInfo>> List() => Task.FromResult<IReadOnlyList<WebhookEndpointInfo>>(
        !_endpoints.RecordExists ? NothingHeld(new List<WebhookEndpointInfo>())
            : Endpoints.Values.OrderBy(e => e.CreatedAt).Select(e => e.Info()).ToList());

    public Task<WebhookEndpointInfo?> Get(string endpointId) => Task.FromResult(
        !_endpoints.RecordExists ? NothingHeld<WebhookEndpointInfo?>(null) : Endpoints.GetValueOrDefault(endpointId)?.Info());

    public async Task<WebhookEndpointInfo?> Update(string endpointId, WebhookEndpointUpdate update, AuditActor actor)
    {
        if (!Endpoints.TryGetValue(endpointId, out var endpoint)) return null;
        var before = endpoint.Info();
        endpoint.Url = update.Url ?? endpoint.Url;
        endpoint.EventTypes = update.EventTypes is { } types ? [.. types] : endpoint.EventTypes;
        endpoint.Description = update.Description ?? endpoint.Description;
        if (update.Enabled is { } enabled && enabled != endpoint.Enabled)
        {
            // Enabled again: its failures start over; disabled by request: it stays so until enabled.
            (endpoint.Enabled, endpoint.DisabledReason, endpoint.FailingSince) = enabled ? (true, null, null) : (false,
                DisabledOnRequest, endpoint.FailingSince);
        }
        var now = TimeProvider.GetUtcNow();
        endpoint.UpdatedAt = now;
        await _endpoints.WriteStateAsync([Audit(actor, now, "webhook_endpoint.updated", endpointId, before, endpoint.Info())]);
        return endpoint.Info();
    }

    public async Task<bool> Delete(string endpointId, AuditActor actor)
    {
        if (!Endpoints.Remove(endpointId, out var endpoint)) return false;
        await _endpoints.WriteStateAsync([Audit(actor, TimeProvider.GetUtcNow(), "webhook_endpoint.deleted", endpointId,
            endpoint.Info(), after: null)]);
        return true;
    }

    public async Task<CreatedWebhookEndpoint?> RotateSecret(string endpointId, AuditActor actor)
    {
        if (!Endpoints.TryGetValue(endpointId, out var endpoint)) return null;
        var secret = WebhookSecrets.New();
        var now = TimeProvider.GetUtcNow();
        endpoint.ProtectedSecret = _secrets.Protect(secret);
        endpoint.UpdatedAt = now;
        await _endpoints.WriteStateAsync([Audit(actor, now, "webhook_endpoint.secret_rotated", endpointId, before: null, after: null)]);
        return new CreatedWebhookEndpoint(endpoint.Info(), secret);
    }

    public Task<IReadOnlyList<WebhookTarget>> GetTargets() => Task.FromResult<IReadOnlyList<WebhookTarget>>(
        !_endpoints.RecordExists ? NothingHeld(new List<WebhookTarget>()) : Endpoints.Values.Select(e => e.Target()).ToList());

    public async Task ReportAttempt(string endpointId, bool succeeded, DateTimeOffset at)
    {
        if (!Endpoints.TryGetValue(endpointId, out var endpoint) || !endpoint.Enabled) return;
        var (failingSince, disable) = WebhookEndpointHealth.After(endpoint.FailingSince, succeeded, at);
        if (failingSince == endpoint.FailingSince && !disable) return; // nothing changed: nothing to write
        var before = endpoint.Info();
        endpoint.FailingSince = failingSince;
        if (!disable)
        {
            await _endpoints.WriteStateAsync();
            return;
        }
        var now = TimeProvider.GetUtcNow();
        (endpoint.Enabled, endpoint.DisabledReason, endpoint.UpdatedAt) = (false, Disabled, now);
        // The tenant is told by an event, committed with the change: its other endpoints that take it get it, and the event log shows it.
        await _endpoints.WriteStateAsync([
            Audit(AuditActor.System, now, "webhook_endpoint.disabled", endpointId, before, endpoint.Info()),
            TenantEvents.Record(TenantId, TenantEventTypes.WebhookEndpointDisabled, now,
                new { endpointId, url = endpoint.Url, reason = Disabled, failingSince, disabledAt = now }),
        ]);
    }

    public async Task AuditRedelivery(string endpointId, string deliveryId, string eventId, int? statusCode, AuditActor actor)
    {
        if (!Endpoints.ContainsKey(endpointId)) return;
        await _endpoints.WriteStateAsync([Audit(actor, TimeProvider.GetUtcNow(), "webhook_delivery.redelivered", endpointId, before: null,
            after: new { deliveryId, eventId, statusCode })]);
    }

    private JournalRecord Audit(AuditActor actor, DateTimeOffset at, string action, string endpointId, object? before, object? after) =>
        AuditJournal.Record(actor, at, TenantId, action, "webhook_endpoint", endpointId, before, after);
}
