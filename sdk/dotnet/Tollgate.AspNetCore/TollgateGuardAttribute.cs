using Tollgate.Client;

namespace Tollgate.AspNetCore;

/// <summary>
/// What an endpoint costs: <see cref="TollgateMiddleware"/> deducts it, for the caller's tenant, before the endpoint runs.
/// One guard per endpoint (the one nearest the endpoint wins).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public abstract class TollgateGuardAttribute : Attribute
{
    /// <summary>
    /// Give the deduction back when the endpoint answers 5xx or throws (on top of <see cref="TollgateOptions.RefundOnServerError"/>,
    /// which turns it on for every guard).
    /// </summary>
    public bool RefundOnServerError { get; set; }

    /// <summary>The quota type or tool: the idempotency keys the guard sends are prefixed with it.</summary>
    public abstract string Name { get; }

    internal abstract Task<Deduction> DeductAsync(TollgateClient client, string tenantId, string idempotencyKey,
        CancellationToken cancellation);
}

/// <summary>What a guard deducted: the headers to put on the endpoint's response, and how to give it back.</summary>
internal sealed record Deduction(IReadOnlyDictionary<string, string> Headers, Func<TollgateClient, string, Task> RefundAsync);
