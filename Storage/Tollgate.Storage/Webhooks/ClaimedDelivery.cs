namespace Tollgate.Storage.Webhooks;

/// <summary>
/// A delivery claimed for one attempt: what to send, and how many scheduled attempts were made before this one
/// (<paramref name="Attempts"/>) since <paramref name="FirstAttemptAt"/>.
/// </summary>
public sealed record ClaimedDelivery(
    string Id, string TenantId, string EndpointId, string EventId, string EventType, string Payload, string Status, int Attempts,
    DateTimeOffset? FirstAttemptAt);
