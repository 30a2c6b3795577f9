namespace Tollgate.Grains.Credits;

/// <summary>A wallet as stored: its live grants and holds (kept in memory by <see cref="GrantBook"/>) and its alert settings.</summary>
public sealed class CreditWalletState
{
    public long LastGrant { get; set; }
    public List<CreditLot> Grants { get; set; } = [];
    public List<CreditHold> Holds { get; set; } = [];

    /// <summary>The low-balance alert's threshold; <see cref="LowAlerted"/> once <c>credits.low</c> went out for the current crossing.</summary>
    public long? LowBalanceBelow { get; set; }
    public bool LowAlerted { get; set; }
    public long? AutoTopUpBelow { get; set; }
}
