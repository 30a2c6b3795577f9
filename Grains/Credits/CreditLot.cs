namespace Tollgate.Grains.Credits;

/// <summary>What is left of a grant, free to spend or hold. A grant spent out is dropped, and comes back if a refund or release returns to it.</summary>
public sealed class CreditLot
{
    /// <summary>The grant's number in its wallet, in the order they were given: the lower, the older.</summary>
    public long Number { get; set; }
    public string Source { get; set; } = "";
    public int Priority { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public long Remaining { get; set; }

    public string Id => GrantId(Number);

    public static string GrantId(long number) => "grt_" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public CreditLot Copy() => (CreditLot)MemberwiseClone();
}
