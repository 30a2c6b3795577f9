using System.Globalization;

namespace Tollgate.Api.Payments;

/// <summary>
/// What Tollgate writes in the metadata of a credit purchase's Checkout Session and payment, so the provider's
/// webhook (the session's or the payment's, whichever comes first) says what to grant to whom.
/// </summary>
public static class CreditPurchases
{
    public const string Purpose = "tollgatePurpose";
    public const string PackPurchase = "credit_pack";
    public const string AutoTopUp = "auto_topup";
    public const string TenantId = "tenantId";
    public const string PackId = "packId";
    public const string Credits = "credits";
    public const string ChargeKey = "chargeKey";

    public static Dictionary<string, string> Metadata(string purpose, string tenantId, string packId, long credits) => new()
    {
        [Purpose] = purpose,
        [TenantId] = tenantId,
        [PackId] = packId,
        [Credits] = credits.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The purchase the metadata describes; null when it is not one of Tollgate's credit purchases.</summary>
    public static (string Purpose, string PackId, long Credits)? Read(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(Purpose, out var purpose) || purpose is not (PackPurchase or AutoTopUp)) return null;
        if (!metadata.TryGetValue(PackId, out var packId) || packId.Length == 0
            || !metadata.TryGetValue(Credits, out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture,
                out var credits)
            || credits <= 0)
            throw new FormatException("The credit purchase's metadata has no packId or no positive credits.");
        return (purpose, packId, credits);
    }

    /// <summary>The grant key of a bought pack: the payment's, so the session's and the payment's webhooks grant once between
    /// them.</summary>
    public static string PurchaseKey(string paymentOrSessionId) => $"purchase:{paymentOrSessionId}";
}
