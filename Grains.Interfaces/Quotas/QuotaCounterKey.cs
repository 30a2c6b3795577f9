namespace Tollgate.Grains.Quotas;

public static class QuotaCounterKey
{
    public static string For(string tenantId, string quotaType) => $"{tenantId}/{quotaType}";

    public static (string TenantId, string QuotaType) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}
