namespace Tollgate.Grains.Credits;

/// <summary>
/// What a wallet keeps in state entries, each until <see cref="Until"/>:
/// <list type="bullet">
/// <item>under an idempotency key, the request's <see cref="Fingerprint"/> and its first <see cref="Answer"/>;</item>
/// <item>under a spend's id (<see cref="CreditWalletGrain.SpendEntry"/>), the <see cref="Shares"/> it took
///   from each grant and what refunds <see cref="GaveBack"/> of it.</item>
/// </list>
/// </summary>
public sealed record WalletEntry(
    DateTimeOffset At, DateTimeOffset Until, string? Fingerprint = null, WalletResult? Answer = null, List<GrantShare>? Shares = null,
    long GaveBack = 0);
