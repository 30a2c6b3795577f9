using Microsoft.Extensions.Options;

namespace Tollgate.Api.Payments.Orders;

/// <summary>A public base URL that is not an absolute http(s) URL, or an order lifetime out of range, stops the silo at start.</summary>
public sealed class PaymentsOptionsValidation : IValidateOptions<PaymentsOptions>
{
    public static readonly TimeSpan MinOrderTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxOrderTtl = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, PaymentsOptions options)
    {
        if (options.PublicBaseUrl is { } url && !(url.IsAbsoluteUri && url.Scheme is "https" or "http" && string.IsNullOrEmpty(url.Query)))
            return ValidateOptionsResult.Fail("Payments:PublicBaseUrl must be an absolute http or https URL without a query.");
        if (options.OrderTtl < MinOrderTtl || options.OrderTtl > MaxOrderTtl)
            return ValidateOptionsResult.Fail($"Payments:OrderTtl must be from {MinOrderTtl} to {MaxOrderTtl}.");
        return ValidateOptionsResult.Success;
    }
}
