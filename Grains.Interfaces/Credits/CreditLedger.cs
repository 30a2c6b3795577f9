namespace Tollgate.Grains.Credits;

/// <summary>The credit ledger's journal stream (scope: the tenant id, name: the movement) and its movements.</summary>
public static class CreditLedger
{
    public const string Stream = "credits";

    public const string Grant = "grant";
    public const string Adjustment = "adjustment";
    public const string Spend = "spend";
    public const string Expiry = "expiry";
    public const string Refund = "refund";
    public const string Hold = "hold";
    public const string Settle = "settle";
    public const string Release = "release";
}
