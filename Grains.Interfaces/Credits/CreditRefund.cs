namespace Tollgate.Grains.Credits;

/// <summary>
/// Gives back <paramref name="Credits"/> of a spend (all that is left when null), named by its
/// <paramref name="SpendId"/> or by the <paramref name="SpendKey"/> it was made with.
/// </summary>
/// <param name="IdempotencyKey">The refund's own key.</param>
[GenerateSerializer, Immutable, Alias("tollgate.CreditRefund")]
public sealed record CreditRefund(string? SpendId, string? SpendKey, long? Credits, string? IdempotencyKey)
{
    public string Fingerprint => $"refund\n{SpendId}\n{SpendKey}\n{Credits}";
}
