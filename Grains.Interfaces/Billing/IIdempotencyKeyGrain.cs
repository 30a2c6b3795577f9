namespace Tollgate.Grains.Billing;

/// <summary>
/// The first answer given to one idempotency key of one tenant on one endpoint (key:
/// "{endpoint}:{tenantId}:{idempotencyKey}"), with what the request was, for 24 hours.
/// </summary>
[Alias("tollgate.IIdempotencyKeyGrain")]
public interface IIdempotencyKeyGrain : IGrainWithStringKey
{
    static string KeyFor(string endpoint, string tenantId, string idempotencyKey) => $"{endpoint}:{tenantId}:{idempotencyKey}";

    /// <summary>The answer kept for the key, or null when there is none younger than 24 hours.</summary>
    Task<KeptAnswer?> Get();

    /// <summary>Keeps the answer, from now, unless one younger than 24 hours is kept already; returns the one kept.</summary>
    Task<KeptAnswer> Keep(string fingerprint, string answer);
}
