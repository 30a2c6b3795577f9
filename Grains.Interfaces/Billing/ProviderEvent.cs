namespace Tollgate.Grains.Billing;

/// <summary>A provider's webhook event: applied once per id; <see cref="Created"/> orders a subscription's states.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderEvent")]
public sealed record ProviderEvent(string Id, string Type, DateTimeOffset Created);
