namespace Tollgate.Grains.Alerts;

public sealed class AlertSettingsState
{
    public List<int> QuotaPercents { get; set; } = [.. AlertSettings.Default.QuotaPercents];
    public long? CreditsBelow { get; set; }
}
