namespace Tollgate.Api.Pages;

/// <summary>
/// What an API handler answered a page that called it (pages call the handlers themselves, so the rules are the API's): the
/// problem, if it refused, with the status and the message a person reads.
/// </summary>
public static class ApiAnswer
{
    public static ProblemHttpResult? Problem(IResult answer) => answer as ProblemHttpResult;

    /// <summary>The problem's detail, or each field's message for a validation problem.</summary>
    public static string Message(ProblemHttpResult problem) => problem.ProblemDetails is HttpValidationProblemDetails validation
        ? string.Join(" ", validation.Errors.SelectMany(field => field.Value))
        : problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "";
}
