namespace Tollgate.Grains.Webhooks;

/// <summary>A change to an endpoint: each field given replaces the endpoint's, each null keeps it.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.WebhookEndpointUpdate")]
public sealed record WebhookEndpointUpdate(string? Url, IReadOnlyList<string>? EventTypes, string? Description, bool? Enabled);
