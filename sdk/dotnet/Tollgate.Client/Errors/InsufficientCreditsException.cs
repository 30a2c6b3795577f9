namespace Tollgate.Client;

/// <summary>402 <c>insufficient_credits</c>: the tenant's available credits do not cover the spend; nothing was spent.</summary>
public sealed class InsufficientCreditsException(ProblemDocument problem, IReadOnlyDictionary<string, string> headers)
    : TollgateException(problem, headers)
{
    public const string ProblemCode = "insufficient_credits";

    /// <summary>The credits the call needed.</summary>
    public long Needed { get; } = problem.Number("needed") ?? 0;
    public long Balance { get; } = problem.Number("balance") ?? 0;
    public long Held { get; } = problem.Number("held") ?? 0;
    public long Available { get; } = problem.Number("available") ?? 0;
}
