namespace Tollgate.Grains.Webhooks;

/// <summary>A new endpoint, checked by the caller: its URL, the event types it takes (<c>*</c> for all) and a description.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.WebhookEndpointSpec")]
public sealed record WebhookEndpointSpec(string Url, IReadOnlyList<string> EventTypes, string? Description);
