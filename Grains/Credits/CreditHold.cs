namespace Tollgate.Grains.Credits;

/// <summary>A live reservation: credits taken from grants and set aside until settled, released or <see cref="ExpiresAt"/>. Never changed once made.</summary>
public sealed class CreditHold
{
    public string Id { get; set; } = "";
    public string Tool { get; set; } = "";
    public long Units { get; set; }
    public long Credits { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public List<GrantShare> Shares { get; set; } = [];

    /// <summary>What settling <paramref name="units"/> spends: their credits at the hold's price, at most what is held.</summary>
    public long CreditsFor(long units) => units >= Units ? Credits : Credits / Units * units;
}
