
namespace Tollgate.Grains.Billing;

/// <summary>Which tenant a payment provider's customer belongs to (key: "{provider}:{customerId}").</summary>
[Alias("tollgate.IBillingCustomerGrain")]
public interface IBillingCustomerGrain : IGrainWithStringKey
{
    static string KeyFor(string provider, string customerId) => $"{provider}:{customerId}";

    Task Link(string tenantId);

    /// <summary>The tenant, or null for a customer Tollgate did not create.</summary>
    Task<string?> GetTenant();
}
