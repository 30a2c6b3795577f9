using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// The errors every operation may answer besides its own: a request that does not read (400), no or
/// bad credentials (401), a role or scope that does not allow it (403), an id that is not there or not
/// the caller's (404) and a rate limit (429). Each is a problem document with a stable <c>code</c>.
/// </summary>
internal sealed class ErrorResponses : IOpenApiOperationTransformer
{
    public const string ProblemSchema = "ProblemDetails";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var hasInput = description.ParameterDescriptions.Count > 0;
        var authenticated = operation.Security is { Count: > 0 } security
            && !security.Any(requirement => requirement.Keys.Any(scheme => scheme.Reference.Id == SecuritySchemes.StripeSignature));
        var rateLimited = description.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any();

        operation.Responses ??= new OpenApiResponses();
        if (hasInput) Add(operation, context, 400, "The request is malformed (`malformed_request`) or a field is not valid (`validation_failed`, with `errors` per field).");
        if (authenticated)
        {
            Add(operation, context, 401, "No credentials, or credentials that are unknown, expired or revoked (`unauthenticated`).");
            Add(operation, context, 403, "The caller's role or the API key's scopes do not allow this (`forbidden`).");
        }
        if (description.RelativePath?.Contains('{') == true)
            Add(operation, context, 404, "Nothing with this id, or it belongs to a tenant the caller is not in (`not_found`).");
        if (rateLimited) Add(operation, context, 429, "Too many requests from this client; try again after `Retry-After` seconds (`rate_limited`).");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key)) return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
    }
}
