namespace Tollgate.Grains;

/// <summary>
/// A grain whose state the Orleans Dashboard's grain-state view shows the operator. What it gives
/// holds no secret (no password, token or key hash, no signing key); grains without this interface
/// hold one, and their state is not shown.
/// </summary>
[Alias("tollgate.IStateShownOnDashboard")]
public interface IStateShownOnDashboard : IGrain
{
    /// <summary>The grain's state as indented JSON, without secrets.</summary>
    Task<string> GetDashboardState();
}
