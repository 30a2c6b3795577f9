namespace Tollgate.Grains.Alerts;

/// <summary>A tenant's alert thresholds.</summary>
/// <param name="QuotaPercents">Percents of each quota's limit whose crossing is an event (ascending, 1-100).</param>
/// <param name="CreditsBelow">The credit balance under which <c>credits.low</c> fires; null for none.</param>
[GenerateSerializer, Immutable, Alias("tollgate.AlertSettings")]
public sealed record AlertSettings(IReadOnlyList<int> QuotaPercents, long? CreditsBelow)
{
    public static AlertSettings Default { get; } = new([80, 100], null);

    /// <summary>At most this many quota percents.</summary>
    public const int MaxQuotaPercents = 10;
}
