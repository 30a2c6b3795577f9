namespace Tollgate.Grains.Alerts;

/// <summary>What a value did to an alert.</summary>
/// <param name="Level">The level raised or resolved (for <see cref="ThresholdChange.None"/>, the alerted one).</param>
/// <param name="Alerted">The level alerted from now on (0: none).</param>
public readonly record struct ThresholdCrossing(ThresholdChange Change, long Level, long Alerted);
