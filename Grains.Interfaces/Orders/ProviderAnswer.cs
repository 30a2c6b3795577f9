namespace Tollgate.Grains.Orders;

/// <summary>A provider's answer, or why there is none.</summary>
public sealed record ProviderAnswer<T>(T? Value, ProviderFailure? Failure)
{
    public static ProviderAnswer<T> Of(T value) => new(value, null);
    public static ProviderAnswer<T> Failed(ProviderFailure failure) => new(default, failure);
}
