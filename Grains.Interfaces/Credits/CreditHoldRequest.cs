namespace Tollgate.Grains.Credits;

/// <summary>Holds <paramref name="Credits"/> for a use of <paramref name="Tool"/> until settled, released or <paramref name="Ttl"/> has passed.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.CreditHoldRequest")]
public sealed record CreditHoldRequest(string Tool, long Units, long Credits, TimeSpan Ttl, string? IdempotencyKey)
{
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    public string Fingerprint => $"hold\n{Tool}\n{Units}\n{Credits}\n{Ttl.Ticks}";
}
