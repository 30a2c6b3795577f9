using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tollgate.Api.Auth;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// Each operation names how it authenticates, read from the endpoint's own authorization: a person's
/// token, or either a token or an API key (the caller policy), Stripe's signature, or nothing.
/// </summary>
internal sealed class OperationSecurity : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        string[] schemes = metadata.OfType<SecuritySchemes.SignedByStripe>().Any() ? [SecuritySchemes.StripeSignature]
            : metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any() ? []
            : metadata.OfType<IAuthorizeData>().All(data => data.Policy is AuthorizationPolicies.Caller or null)
                ? [SecuritySchemes.Bearer, SecuritySchemes.ApiKey]
                : [SecuritySchemes.Bearer];
        // Requirements are alternatives: any one of them will do.
        operation.Security = schemes.Select(scheme => new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [],
        }).ToList();
        return Task.CompletedTask;
    }
}
