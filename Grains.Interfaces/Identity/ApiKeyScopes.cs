namespace Tollgate.Grains.Identity;

public static class ApiKeyScopes
{
    public const string QuotaConsume = "quota:consume";
    public const string QuotaRead = "quota:read";
    public const string CreditsConsume = "credits:consume";
    public const string CreditsRead = "credits:read";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { QuotaConsume, QuotaRead, CreditsConsume, CreditsRead };
}
