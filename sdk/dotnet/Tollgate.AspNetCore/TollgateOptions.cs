using Microsoft.AspNetCore.Http;

namespace Tollgate.AspNetCore;

/// <summary>How the guards behave; bound from the <c>Tollgate</c> configuration section, beside the client's settings.</summary>
public sealed class TollgateOptions
{
    /// <summary>The claim that names the caller's Tollgate tenant, when <see cref="TenantResolver"/> is not set.</summary>
    public string TenantClaim { get; set; } = "tollgate_tenant";

    /// <summary>Finds the caller's tenant (after the app's authentication ran); null answers 401 <c>tenant_required</c>.</summary>
    public Func<HttpContext, string?>? TenantResolver { get; set; }

    /// <summary>Let the endpoint run when Tollgate cannot be reached (after the client's retries); by default it answers 503.</summary>
    public bool FailOpen { get; set; }

    /// <summary>Give every guard's deduction back when its endpoint answers 5xx or throws (a guard can also opt in alone).</summary>
    public bool RefundOnServerError { get; set; }

    /// <summary>The <c>Retry-After</c> (seconds) of the 503 answered when Tollgate is unavailable.</summary>
    public int UnavailableRetryAfterSeconds { get; set; } = 5;
}
