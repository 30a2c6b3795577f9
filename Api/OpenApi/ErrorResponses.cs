using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// The problems an operation answers: those its endpoint declares (<see cref="OperationContract.AnswersProblem"/>),
/// and those every operation of its kind may answer: a request that does not read (400), a body that is
/// not JSON (415) or too large (413), no or bad credentials (401), a role or scope that does not allow it
/// (403), an id that is not there or not the caller's (404), a rate limit (429) and an unavailable silo
/// (503). Each is a problem document with a stable <c>code</c>; 429 and 503 say when to retry.
/// </summary>
internal sealed class ErrorResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var jsonBody = description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Body);
        var query = metadata.OfType<OperationContract.Query>().Any()
            || description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Query);
        var authenticated = operation.Security is { Count: > 0 } security
            && !security.Any(requirement => requirement.Keys.Any(scheme => scheme.Reference.Id == SecuritySchemes.StripeSignature));
        var rateLimited = metadata.OfType<EnableRateLimitingAttribute>().Any();

        operation.Responses ??= new OpenApiResponses();
        foreach (var declared in metadata.OfType<OperationContract.Problem>())
            Set(operation, context, declared.Status, declared.Description, declared.Schema);
        if (jsonBody || query)
            Add(operation, context, 400,
                "The request is malformed (`malformed_request`) or a field is not valid (`validation_failed`, with `errors` per field).");
        if (jsonBody)
        {
            Add(operation, context, 413, "The request body is larger than 1 MB (`payload_too_large`).");
            Add(operation, context, 415, "The body was not sent as `application/json` (`unsupported_media_type`).");
        }
        if (authenticated)
        {
            Add(operation, context, 401, "No credentials, or credentials that are unknown, expired or revoked (`unauthenticated`).");
            Header(operation, 401, ContractHeaders.WwwAuthenticate, required: true);
            Add(operation, context, 403, "The caller's role or the API key's scopes do not allow this (`forbidden`).");
        }
        if (description.RelativePath?.Contains('{') == true)
            Add(operation, context, 404, "Nothing with this id, or it belongs to a tenant the caller is not in (`not_found`).");
        if (rateLimited) Add(operation, context, 429, "Too many requests from this client; try again after `Retry-After` seconds (`rate_limited`).");
        Add(operation, context, 503, "A silo is unavailable or stopping (`unavailable`); try again after `Retry-After` seconds.");
        if (operation.Responses.ContainsKey("429")) Header(operation, 429, ContractHeaders.RetryAfter, required: true);
        Header(operation, 503, ContractHeaders.RetryAfter, required: true);
        return Task.CompletedTask;
    }

    /// <summary>Adds the response unless the endpoint declared its own for this status.</summary>
    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        if (!operation.Responses!.ContainsKey(Key(status))) Set(operation, context, status, description, ProblemSchemas.Problem);
    }

    private static void Set(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, string schema) =>
        operation.Responses![Key(status)] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
            },
        };

    /// <summary>Declares that the answer with <paramref name="status"/> carries <paramref name="header"/>, if the operation has that answer.</summary>
    internal static void Header(OpenApiOperation operation, int status, ContractHeader header, bool required)
    {
        if (operation.Responses?.TryGetValue(Key(status), out var found) != true || found is not OpenApiResponse response)
            throw new InvalidOperationException($"{operation.OperationId} declares {header.Name} on {status}, an answer it does not have.");
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[header.Name] = new OpenApiHeader
        {
            Description = header.Description,
            Required = required,
            Schema = new OpenApiSchema { Type = header.Type },
        };
    }

    private static string Key(int status) => status.ToString(CultureInfo.InvariantCulture);
}
