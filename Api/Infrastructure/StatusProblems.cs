using Microsoft.AspNetCore.Mvc;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Gives the problems the framework writes itself (status code pages after an authentication
/// challenge or forbid, an unknown route, a wrong method or media type) the stable <c>code</c>,
/// type and wording of Tollgate's own problems. Problems that already carry a code are left alone.
/// </summary>
internal static class StatusProblems
{
    private static readonly Dictionary<int, (string Code, string Title, string? Detail)> ByStatus = new()
    {
        [StatusCodes.Status400BadRequest] = ("malformed_request", "Bad request", "The request could not be read."),
        [StatusCodes.Status401Unauthorized] = ("unauthenticated", "Unauthenticated",
            "Send a valid access token (Authorization: Bearer) or API key (X-Api-Key)."),
        [StatusCodes.Status403Forbidden] = ("forbidden", "Forbidden", "These credentials may not do this."),
        [StatusCodes.Status404NotFound] = ("not_found", "Not found", "There is nothing at this address."),
        [StatusCodes.Status405MethodNotAllowed] = ("method_not_allowed", "Method not allowed", "The Allow header lists the methods this address takes."),
        [StatusCodes.Status406NotAcceptable] = ("not_acceptable", "Not acceptable", "This address answers JSON."),
        [StatusCodes.Status413PayloadTooLarge] = ("payload_too_large", "Payload too large", "The request body is larger than 1 MB."),
        [StatusCodes.Status415UnsupportedMediaType] = ("unsupported_media_type", "Unsupported media type", "Send the body as application/json."),
        [StatusCodes.Status500InternalServerError] = ("internal_error", "Internal error", null),
        [StatusCodes.Status503ServiceUnavailable] = ("unavailable", "Service unavailable", "Retry shortly."),
    };

    public static void Customize(ProblemDetailsContext context)
    {
        if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            Apply(context.ProblemDetails, context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
    }

    /// <summary>A problem with the code, title and type this status has everywhere.</summary>
    public static ProblemDetails For(int status, string? detail = null)
    {
        var problem = new ProblemDetails { Status = status };
        Apply(problem, status);
        if (detail is not null) problem.Detail = detail;
        return problem;
    }

    private static void Apply(ProblemDetails problem, int status)
    {
        var (code, title, detail) = ByStatus.TryGetValue(status, out var known) ? known : ($"http_{status}", problem.Title ?? "Error", null);
        problem.Extensions["code"] = code;
        problem.Type = $"https://tollgate.dev/problems/{code}";
        problem.Title = title;
        problem.Detail = detail; // the framework's own wording may name its types
    }
}
