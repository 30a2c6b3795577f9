namespace Tollgate.Grains.Credits;

/// <summary>Spends <paramref name="Credits"/> for a use of <paramref name="Tool"/> (its creditsPerUnit times the units).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.CreditSpend")]
public sealed record CreditSpend(string Tool, long Units, long Credits, string? IdempotencyKey)
{
    public string Fingerprint => $"spend\n{Tool}\n{Units}\n{Credits}";
}
