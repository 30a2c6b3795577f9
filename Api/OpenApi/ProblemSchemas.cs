using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// The problem documents Tollgate writes, as schemas: every one carries a stable <c>code</c> and the
/// request's <c>traceId</c>; a 400 may name its fields in <c>errors</c>; a 402 carries the quota's numbers.
/// Some codes add fields of their own (<c>refundable</c>, <c>providerCode</c>), so others are allowed.
/// Replaces the framework's <c>ProblemDetails</c> schema, which has neither field and allows no others.
/// </summary>
internal sealed class ProblemSchemas : IOpenApiDocumentTransformer
{
    public const string Problem = "ProblemDetails";
    public const string QuotaExceeded = "QuotaExceededProblem";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Problem] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem document. Switch on `code`; quote `traceId` when reporting a fault.",
            Required = new HashSet<string> { "type", "title", "status", "code", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("`https://tollgate.dev/problems/{code}`."),
                ["title"] = Text("A short summary of the kind of problem."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
                ["detail"] = Text("What went wrong with this request, for a person to read."),
                ["instance"] = Text("The request's path, when given."),
                ["code"] = Text("A stable, machine-readable name of the problem, such as `validation_failed` or `quota_exceeded`."),
                ["traceId"] = Text("The request's trace id, as the server logged it."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For `validation_failed` and `malformed_request`: messages per field (a JSON path without `$.`).",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
        };
        document.Components.Schemas[QuotaExceeded] = new OpenApiSchema
        {
            Description = "`quota_exceeded`: the amount does not fit in what remains; nothing was deducted.",
            AllOf =
            [
                new OpenApiSchemaReference(Problem, document),
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "allowed", "limit", "used", "remaining", "resetsAt" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["allowed"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Always false." },
                        ["limit"] = Integer("The quota's limit in its current window."),
                        ["used"] = Integer("How much of it is used."),
                        ["remaining"] = Integer("What remains."),
                        ["resetsAt"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date-time",
                            Description = "When the window resets; null for a lifetime quota.",
                        },
                    },
                },
            ],
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Integer(string description) => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = description };
}
