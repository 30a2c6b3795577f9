using Orleans.Concurrency;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Webhooks;

/// <summary>
/// A tenant's webhook endpoints (key: tenant id): where its events are delivered, each with its signing secret, kept
/// encrypted and shown only when made. Every change is audited; an endpoint whose deliveries have failed for
/// <see cref="WebhookEndpointHealth.FailingFor"/> is disabled, with a <c>webhook_endpoint.disabled</c> event.
/// </summary>
[Alias("tollgate.IWebhookEndpointsGrain")]
public interface IWebhookEndpointsGrain : IGrainWithStringKey
{
    /// <summary>The most endpoints a tenant may have.</summary>
    const int MaxEndpoints = 16;

    /// <summary>A new endpoint with its secret (shown this once); null when the tenant has <see cref="MaxEndpoints"/> already.</summary>
    Task<CreatedWebhookEndpoint?> Create(WebhookEndpointSpec spec, AuditActor actor);

    Task<IReadOnlyList<WebhookEndpointInfo>> List();

    Task<WebhookEndpointInfo?> Get(string endpointId);

    /// <summary>Changes what is given; enabling an endpoint clears its failures. Null when there is no such endpoint.</summary>
    Task<WebhookEndpointInfo?> Update(string endpointId, WebhookEndpointUpdate update, AuditActor actor);

    Task<bool> Delete(string endpointId, AuditActor actor);

    /// <summary>A new secret replaces the endpoint's at once (shown this once); null when there is no such endpoint.</summary>
    Task<CreatedWebhookEndpoint?> RotateSecret(string endpointId, AuditActor actor);

    /// <summary>
    /// What the dispatcher needs: every endpoint with its secret, still encrypted (<see cref="WebhookSecrets.Purpose"/>).
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<WebhookTarget>> GetTargets();

    /// <summary>An attempt at a delivery to the endpoint ended: a success ends its failing streak, a failure may disable it.</summary>
    Task ReportAttempt(string endpointId, bool succeeded, DateTimeOffset at);

    /// <summary>Audits a redelivery someone asked for, with how it went (<paramref name="statusCode"/>: none when no answer
    /// came).</summary>
    Task AuditRedelivery(string endpointId, string deliveryId, string eventId, int? statusCode, AuditActor actor);
}
