namespace Tollgate.Client;

/// <summary>402 <c>quota_exceeded</c>: the amount does not fit in what remains; nothing was deducted.</summary>
public sealed class QuotaExceededException(ProblemDocument problem, IReadOnlyDictionary<string, string> headers)
    : TollgateException(problem, headers)
{
    public const string ProblemCode = "quota_exceeded";

    public long Limit { get; } = problem.Number("limit") ?? 0;
    public long Used { get; } = problem.Number("used") ?? 0;
    public long Remaining { get; } = problem.Number("remaining") ?? 0;

    /// <summary>When the quota's window starts again; null for a lifetime quota.</summary>
    public DateTimeOffset? ResetsAt { get; } = problem.Instant("resetsAt");
}
