namespace Tollgate.Grains.Identity;

public static class Audit
{
    public const string Stream = "audit";

    /// <summary>Scope of entries that belong to no tenant (a user's own profile, operator actions).</summary>
    public const string PlatformScope = "";
}
