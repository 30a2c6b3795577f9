using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>The document's own parts: what Tollgate is, where it is served, its security schemes and its tags.</summary>
internal sealed class DocumentDescription(IOptions<OpenApiDocumentOptions> options) : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Auth"] = "Registering, logging in and out, and refreshing a login's tokens.",
        ["Me"] = "The signed-in person: profile, password and invitations.",
        ["Tenants"] = "Organisations: creating them, their name and settings.",
        ["Members"] = "Who belongs to a tenant, with which role.",
        ["Invitations"] = "Inviting people into a tenant by email, and answering invitations.",
        ["API keys"] = "Keys that apps send as X-Api-Key; a key is shown once, when it is created.",
        ["Audit log"] = "Every change made in a tenant, by whom, from where.",
        ["Plans"] = "The plans on sale, for anyone to read.",
        ["Catalog"] = "The operator's apps, quota types and plans.",
        ["Subscription"] = "A tenant's plan: subscribing, changing, cancelling and resuming.",
        ["Quota"] = "What apps call before doing work: check, consume and refund quota.",
        ["Usage"] = "How much of each quota a tenant used, by day or month.",
        ["Billing"] = "Paying through Stripe: checkout, the billing portal, invoices and payments.",
        ["Webhooks"] = "Events Stripe sends, signed with the webhook secret.",
        ["Admin"] = "The platform operator's view of every tenant and user.",
        ["Health"] = "Liveness and readiness for load balancers and orchestrators.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Tollgate",
            Version = "v1",
            Description = "Accounts, tenants, API keys, plans, subscriptions and quota for SaaS and AI-tool products. "
                + "Every error is an RFC 9457 problem document (application/problem+json) with a stable `code`.",
            License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://example.com/tollgate/license") },
        };
        document.Servers = [new OpenApiServer { Url = options.Value.ServerUrl?.TrimEnd('/') is { Length: > 0 } url ? url : "/" }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [SecuritySchemes.Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "A person's access token from /v1/auth/login or /v1/auth/refresh.",
            },
            [SecuritySchemes.ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
                Description = "An app's API key (tg_...), with the scopes it was created with.",
            },
            [SecuritySchemes.StripeSignature] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "Stripe-Signature",
                Description = "Stripe's signature of the delivery, made with the webhook secret.",
            },
        };

        var used = document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>()).Select(tag => tag.Name).ToHashSet();
        document.Tags = new HashSet<OpenApiTag>(used.Order().Select(name => new OpenApiTag
        {
            Name = name,
            Description = TagDescriptions.GetValueOrDefault(name!),
        }));
        return Task.CompletedTask;
    }
}
