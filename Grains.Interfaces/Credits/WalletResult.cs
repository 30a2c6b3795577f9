namespace Tollgate.Grains.Credits;

/// <param name="Credits">What the call moved: spent, refunded (returned to live grants), or held.</param>
/// <param name="Id">The spend's id (spend, settle) or the reservation's id (hold).</param>
/// <param name="ExpiresAt">A hold's end.</param>
/// <param name="Refundable">With <see cref="WalletOutcome.ExceedsSpend"/>: what the spend has left to give back.</param>
/// <param name="Replayed">The key's first answer, given again.</param>
/// <param name="Released">Of a settle: what went back to the balance.</param>
[GenerateSerializer, Immutable, Alias("tollgate.WalletResult")]
public sealed record WalletResult(
    WalletOutcome Outcome, WalletBalance Balance, long Credits = 0, string? Id = null, DateTimeOffset? ExpiresAt = null,
    long Refundable = 0, bool Replayed = false, long Released = 0);
