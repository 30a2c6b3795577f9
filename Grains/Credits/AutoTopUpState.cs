namespace Tollgate.Grains.Credits;

public sealed class AutoTopUpState
{
    public long? Threshold { get; set; }
    public string? PackId { get; set; }
    public int MaxPerMonth { get; set; }
    public bool Enabled { get; set; }
    public string? PaymentMethodId { get; set; }
    /// <summary>The calendar month (UTC, yyyy-MM) <see cref="ChargesThisMonth"/> counts.</summary>
    public string Month { get; set; } = "";
    /// <summary>Charges started this month, failed ones included: the number in the next charge's key.</summary>
    public int ChargesThisMonth { get; set; }
    /// <summary>The charge started and not yet reported: no other starts meanwhile.</summary>
    public AutoTopUpCharge? Pending { get; set; }
    /// <summary>Set by a failed charge; cleared by a new payment method. No charge starts while it is set.</summary>
    public AutoTopUpFailure? LastFailure { get; set; }
    public List<AutoTopUpCharge> RecentCharges { get; set; } = [];
}
