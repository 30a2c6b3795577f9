namespace Tollgate.Grains.Billing;

[GenerateSerializer, Immutable, Alias("tollgate.CatalogResult`1")]
public sealed record CatalogResult<T>(T? Value, CatalogError Error = CatalogError.None, string? Detail = null, string? Field = null)
{
    public static CatalogResult<T> Fail(CatalogError error, string detail, string? field = null) => new(default, error, detail, field);
}
