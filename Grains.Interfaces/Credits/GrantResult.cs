namespace Tollgate.Grains.Credits;

/// <param name="GrantId">The grant's id (null for a negative adjustment, which takes from existing grants).</param>
/// <param name="Replayed">The key's first answer, given again.</param>
[GenerateSerializer, Immutable, Alias("tollgate.GrantResult")]
public sealed record GrantResult(GrantOutcome Outcome, WalletBalance Balance, string? GrantId, bool Replayed = false);
