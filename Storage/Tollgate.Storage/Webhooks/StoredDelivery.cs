namespace Tollgate.Storage.Webhooks;

/// <summary>A delivery as the delivery log shows it, with every attempt, oldest first.</summary>
public sealed record StoredDelivery(
    long Sequence, string Id, string EndpointId, string EventId, string EventType, string Status, DateTimeOffset CreatedAt, int Attempts,
    DateTimeOffset? FirstAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt, IReadOnlyList<WebhookAttempt> Log);
