using Orleans.Concurrency;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Alerts;

/// <summary>
/// A tenant's alert thresholds (key: the tenant id). A change is stored and audited, then passed on: the
/// credit threshold to the tenant's wallet, the quota percents to its quota counters.
/// </summary>
[Alias("tollgate.IAlertSettingsGrain")]
public interface IAlertSettingsGrain : IGrainWithStringKey
{
    /// <summary>The settings, <see cref="AlertSettings.Default"/> until the tenant changes them.</summary>
    Task<AlertSettings> Get();

    /// <summary>Replaces the settings (already validated: percents distinct, 1-100, credits at least 0).</summary>
    Task<AlertSettings> Set(AlertSettings settings, AuditActor actor);

    /// <summary>
    /// The quota percents as stored, for a counter that activates. It interleaves with <see cref="Set"/>,
    /// which waits on counters (whose activation may be asking this) once its own write is done.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<int>> GetQuotaPercents();
}
