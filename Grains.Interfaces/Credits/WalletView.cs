namespace Tollgate.Grains.Credits;

/// <summary>The balance as of now with its live grants, in spend order.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.WalletView")]
public sealed record WalletView(WalletBalance Balance, IReadOnlyList<CreditGrantView> Grants);
