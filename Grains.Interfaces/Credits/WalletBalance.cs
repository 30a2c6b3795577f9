namespace Tollgate.Grains.Credits;

/// <param name="Balance">Every live grant's remainder, held credits included.</param>
/// <param name="Held">What live reservations hold.</param>
/// <param name="Available">What a spend or a new hold may take: <paramref name="Balance"/> less <paramref name="Held"/>.</param>
[GenerateSerializer, Immutable, Alias("tollgate.WalletBalance")]
public sealed record WalletBalance(long Balance, long Held, long Available);
