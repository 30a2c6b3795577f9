namespace Tollgate.Grains.Identity;

public static class ApiKeyScopes
{
    public const string QuotaConsume = "quota:consume";
    public const string QuotaRead = "quota:read";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { QuotaConsume, QuotaRead };
}
