namespace Tollgate.Grains;

/// <summary>
/// The Orleans Dashboard may show this grain's state to the operator: it holds no secret (no
/// password, token or key hash, no signing key). Grains without it have their state hidden.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StateShownOnDashboardAttribute : Attribute;
