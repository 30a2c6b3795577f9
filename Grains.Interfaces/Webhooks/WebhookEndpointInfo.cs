namespace Tollgate.Grains.Webhooks;

/// <summary>
/// An endpoint as its tenant sees it (never with its secret). <paramref name="DisabledReason"/>: <c>failing</c> (disabled by
/// Tollgate after its deliveries failed for 3 days) or <c>requested</c> (by an update); null while enabled.
/// <paramref name="FailingSince"/>: the first failed attempt since the last success.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.WebhookEndpointInfo")]
public sealed record WebhookEndpointInfo(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
