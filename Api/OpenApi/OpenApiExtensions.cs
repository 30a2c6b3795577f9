using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;

namespace Tollgate.Api.OpenApi;

public static class OpenApiExtensions
{
    /// <summary>
    /// The OpenAPI document at <c>/openapi/v1.json</c>: how each operation authenticates, the errors it
    /// answers, which fields a request must send, and the server from <c>OpenApi:ServerUrl</c> (never the
    /// request's Host header, which a client chooses).
    /// </summary>
    public static IServiceCollection AddTollgateOpenApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenApiDocumentOptions>().Bind(configuration.GetSection(OpenApiDocumentOptions.SectionName));
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentDescription>();
            options.AddDocumentTransformer<ProblemSchemas>();
            options.AddOperationTransformer<OperationSecurity>();
            options.AddOperationTransformer<ErrorResponses>();
            options.AddOperationTransformer<DeclaredHeadersAndQuery>();
            options.AddSchemaTransformer<RequiredProperties>();
        });
        return services;
    }
}
