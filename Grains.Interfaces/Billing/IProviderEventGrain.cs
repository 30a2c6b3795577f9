using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

/// <summary>
/// One event of a payment provider (key: "{provider}:{eventId}"), across all tenants: an event id
/// applies to the first tenant it is claimed for and to no other.
/// </summary>
[Alias("tollgate.IProviderEventGrain")]
public interface IProviderEventGrain : IGrainWithStringKey
{
    static string KeyFor(string provider, string eventId) => $"{provider}:{eventId}";

    /// <summary>True when the event is this tenant's: unclaimed until now, or claimed for it before (a redelivery).</summary>
    Task<bool> Claim(string tenantId);

    /// <summary>
    /// Audits, once, an event that was acknowledged but not applied because the tenant it names does not
    /// own the customer it names. <paramref name="tenantId"/>: that tenant if it exists (its audit log
    /// shows the refusal), else null (the platform's).
    /// </summary>
    Task Refuse(string? tenantId, string namedTenantId, string? customerId, string? owner, AuditActor actor);
}
