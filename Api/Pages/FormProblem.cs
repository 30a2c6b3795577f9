namespace Tollgate.Api.Pages;

/// <summary>
/// What a form shows when the API handler it calls refused the input: the handler's own status and messages (a field's
/// errors, or the problem's detail), so a page says exactly what the API would have answered.
/// </summary>
public sealed record FormProblem(int Status, IReadOnlyList<string> Messages)
{
    /// <summary>The problem in a handler's result, or null when it succeeded.</summary>
    public static FormProblem? Of(IResult result) => result switch
    {
        ProblemHttpResult { ProblemDetails: HttpValidationProblemDetails validation } problem =>
            new(problem.StatusCode, validation.Errors.SelectMany(field => field.Value).ToList()),
        ProblemHttpResult problem => new(problem.StatusCode, [problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? ""]),
        _ => null,
    };

    /// <summary>The messages as one line, as a page shows them in one alert.</summary>
    public string Message => string.Join(" ", Messages);

    /// <summary>Answers the problem's status (the page is still shown, with the form as it was filled in).</summary>
    public FormProblem AnsweredOn(HttpContext http)
    {
        http.Response.StatusCode = Status;
        return this;
    }
}
