namespace Tollgate.Client;

/// <summary>
/// Tollgate refused a call: <see cref="Problem"/> is its RFC 9457 answer (switch on <c>Problem.Code</c>), and
/// <see cref="Headers"/> the headers it sent about quota and credits (<c>X-Quota-*</c>, <c>X-Credits-Remaining</c>,
/// <c>Retry-After</c>), to pass on to the app's own caller.
/// </summary>
public class TollgateException : Exception
{
    public TollgateException(ProblemDocument problem, IReadOnlyDictionary<string, string> headers, Exception? inner = null)
        : base(Describe(problem), inner)
    {
        Problem = problem;
        Headers = headers;
    }

    /// <summary>For a call that got no answer at all.</summary>
    protected TollgateException(string message, Exception? inner)
        : base(message, inner)
    {
        Headers = new Dictionary<string, string>();
    }

    /// <summary>Tollgate's problem document; null only for a <see cref="TollgateUnavailableException"/> that got no answer.</summary>
    public ProblemDocument? Problem { get; }

    /// <summary>The HTTP status Tollgate answered, or null when no answer came.</summary>
    public int? StatusCode => Problem?.Status;

    /// <summary>The problem's stable code (<c>quota_exceeded</c>, <c>not_found</c>, ...), or null.</summary>
    public string? Code => Problem?.Code;

    public IReadOnlyDictionary<string, string> Headers { get; }

    private static string Describe(ProblemDocument problem) =>
        $"Tollgate answered {problem.Status} {problem.Code ?? "(no code)"}: {problem.Detail ?? problem.Title}";
}
