namespace Tollgate.Storage.Webhooks;

/// <summary>One endpoint's delivery of an event, as the fan-out creates it (due at once).</summary>
public sealed record NewDelivery(string Id, string EndpointId, string EventId, string EventType);
