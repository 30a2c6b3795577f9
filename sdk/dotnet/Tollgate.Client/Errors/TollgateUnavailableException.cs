namespace Tollgate.Client;

/// <summary>
/// Tollgate could not be reached, timed out or kept failing (5xx) on every attempt. Whether anything was deducted is
/// unknown: calling again with the same <c>Idempotency-Key</c> is safe.
/// </summary>
public sealed class TollgateUnavailableException : TollgateException
{
    /// <summary>The last attempt got a 5xx answer.</summary>
    public TollgateUnavailableException(ProblemDocument problem, IReadOnlyDictionary<string, string> headers)
        : base(problem, headers)
    {
    }

    /// <summary>The last attempt got no answer (a network error or a timeout).</summary>
    public TollgateUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
