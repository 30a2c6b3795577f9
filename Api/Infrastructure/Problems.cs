using Microsoft.AspNetCore.Mvc;

namespace Tollgate.Api.Infrastructure;

/// <summary>RFC 9457 problem responses with a stable <c>code</c> clients can switch on.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?> { ["code"] = code };
        if (extensions is not null) foreach (var (key, value) in extensions) all[key] = value;
        return TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://tollgate.dev/problems/{code}", extensions: all);
    }

    public static ProblemHttpResult NotFound(string what) => Create(StatusCodes.Status404NotFound, "not_found", "Not found", $"{what} was not found.");
    public static ProblemHttpResult Forbidden(string detail) => Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);
    public static ProblemHttpResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, "Conflict", detail);
    public static ProblemHttpResult Unauthorized(string code, string detail) => Create(StatusCodes.Status401Unauthorized, code, "Unauthorized", detail);

    /// <summary>422, as Stripe answers a key reused with other parameters: a key is bound to its first request.</summary>
    public static ProblemHttpResult IdempotencyKeyReused() =>
        Create(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "Idempotency key reused",
            "This Idempotency-Key was used with a different request in the last 24 hours; use a new key for a new request.");

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid",
            Type = "https://tollgate.dev/problems/validation_failed",
            Detail = "See errors for each field.",
            Extensions = { ["code"] = "validation_failed" },
        });

    public static ProblemHttpResult Field(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The problem for a refused tenant change.</summary>
    public static ProblemHttpResult For(TenantChangeError error, string? detail) => error switch
    {
        TenantChangeError.NotFound => Create(StatusCodes.Status404NotFound, "not_found", "Not found", detail),
        TenantChangeError.Forbidden => Forbidden(detail ?? "Not allowed."),
        _ => Conflict("conflict", detail ?? "The change conflicts with the tenant's state."),
    };
}
