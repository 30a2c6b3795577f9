namespace Tollgate.Grains.Credits;

/// <summary>A live grant as the wallet's reads show it.</summary>
/// <param name="Remaining">What is left of it and not held.</param>
[GenerateSerializer, Immutable, Alias("tollgate.CreditGrantView")]
public sealed record CreditGrantView(string Id, string Source, int Priority, long Remaining, DateTimeOffset? ExpiresAt);
