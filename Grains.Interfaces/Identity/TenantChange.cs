namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.TenantChange`1")]
public sealed record TenantChange<T>(T? Value, TenantChangeError Error = TenantChangeError.None, string? Detail = null)
{
    public static TenantChange<T> Fail(TenantChangeError error, string detail) => new(default, error, detail);
}
