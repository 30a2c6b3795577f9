namespace Tollgate.Grains.Webhooks;

/// <summary>An endpoint with its signing secret (<c>whsec_…</c>), answered only when it is made or its secret rotated.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.CreatedWebhookEndpoint")]
public sealed record CreatedWebhookEndpoint(WebhookEndpointInfo Info, string Secret);
