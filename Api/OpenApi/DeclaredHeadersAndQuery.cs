using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// Applies what an endpoint declared through <see cref="OperationContract"/> beyond its problems: the
/// request headers and query parameters it reads itself, the headers its answers carry, and its CSV form.
/// </summary>
internal sealed class DeclaredHeadersAndQuery : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        foreach (var query in metadata.OfType<OperationContract.Query>())
            Parameter(operation, new OpenApiParameter
            {
                Name = query.Name, In = ParameterLocation.Query, Description = query.Description,
                Schema = new OpenApiSchema { Type = query.Type, Format = query.Format },
            });
        foreach (var header in metadata.OfType<OperationContract.RequestHeader>().Select(declared => declared.Header))
            Parameter(operation, new OpenApiParameter
            {
                Name = header.Name, In = ParameterLocation.Header, Description = header.Description,
                Schema = new OpenApiSchema { Type = header.Type },
            });
        foreach (var declared in metadata.OfType<OperationContract.ResponseHeader>())
            ErrorResponses.Header(operation, declared.Status, declared.Header, declared.Required);
        if (metadata.OfType<OperationContract.Csv>().Any() && operation.Responses?["200"] is OpenApiResponse ok)
        {
            ok.Content ??= new Dictionary<string, OpenApiMediaType>();
            ok.Content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 4180 CSV with a header row, as a download." },
            };
        }
        // Listed by status, whatever declared them first.
        if (operation.Responses is { } responses)
        {
            var sorted = responses.OrderBy(response => response.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted) responses[status] = response;
        }
        return Task.CompletedTask;
    }

    private static void Parameter(OpenApiOperation operation, OpenApiParameter parameter)
    {
        operation.Parameters ??= [];
        // A parameter the framework already described from the handler's signature is described once.
        if (operation.Parameters.Any(existing => existing.Name == parameter.Name && existing.In == parameter.In)) return;
        operation.Parameters.Add(parameter);
    }
}
