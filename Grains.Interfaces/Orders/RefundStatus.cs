namespace Tollgate.Grains.Orders;

/// <summary>A refund's states, as the API writes them.</summary>
public static class RefundStatus
{
    public const string Requested = "requested";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
