using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// The 400 for a request body System.Text.Json refused: it names the field (the JSON path without
/// <c>$.</c>) and says what kind of fault it was, without the serializer's wording, which names .NET types.
/// </summary>
internal static class JsonBodyProblem
{
    public static ProblemDetails For(JsonException json)
    {
        var problem = StatusProblems.For(StatusCodes.Status400BadRequest, "The request body is not valid JSON for this endpoint; see errors.");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [Field(json)] = [Reason(json.Message)] };
        return problem;
    }

    private static string Field(JsonException json) =>
        json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";

    private static string Reason(string message) => message switch
    {
        _ when message.Contains("could not be mapped", StringComparison.Ordinal) => "This field is not part of this request.",
        _ when message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "This field appears more than once.",
        _ when message.Contains("could not be converted", StringComparison.Ordinal) =>
            "This value has the wrong type (numbers are sent as JSON numbers, text as JSON strings).",
        _ => "This is not well-formed JSON.",
    };
}
