namespace Tollgate.Grains.Credits;

/// <summary>A tenant's auto top-up as it stands: settings, saved method, this month's count, the charge under way and the last
/// failure.</summary>
/// <param name="Threshold">Null until the tenant sets it.</param>
/// <param name="Month">The calendar month (UTC, yyyy-MM) <paramref name="ChargesThisMonth"/> counts.</param>
[GenerateSerializer, Immutable, Alias("tollgate.AutoTopUpInfo")]
public sealed record AutoTopUpInfo(
    long? Threshold, string? PackId, int MaxPerMonth, bool Enabled, string? PaymentMethodId, string Month, int ChargesThisMonth,
    AutoTopUpCharge? Pending, AutoTopUpFailure? LastFailure, IReadOnlyList<AutoTopUpCharge> RecentCharges);
