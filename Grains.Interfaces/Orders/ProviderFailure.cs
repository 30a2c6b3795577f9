namespace Tollgate.Grains.Orders;

/// <param name="Code">The provider's own error code, or <c>payments_not_configured</c>.</param>
/// <param name="Transient">A later retry may succeed.</param>
public sealed record ProviderFailure(string Code, string Message, bool Transient);
