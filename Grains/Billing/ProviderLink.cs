namespace Tollgate.Grains.Billing;

/// <summary>A provider subscription as last applied, and the event time that ordered it.</summary>
public sealed record ProviderLink(string Provider, string SubscriptionId, string CustomerId, ProviderSubscriptionStatus Status, string? PriceId,
    DateTimeOffset ReportedAt, int Rank);
