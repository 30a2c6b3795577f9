using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api;

public sealed record CreateApiKeyRequest([property: Required] string? Name, [property: Required] List<string>? Scopes, DateTimeOffset? ExpiresAt);
public sealed record ApiKeyResponse(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);
public sealed record CreatedApiKeyResponse(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Key);

public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/api-keys").WithTags("API keys").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapPost("/", CreateAsync)
            .WithName("CreateApiKey").WithSummary("Create an API key (shown once)")
            .RequireTenantPermission(TenantPermission.ManageApiKeys);
        api.MapGet("/", ListAsync)
            .WithName("ListApiKeys").WithSummary("List a tenant's API keys")
            .RequireTenantPermission(TenantPermission.Read);
        api.MapDelete("/{keyId}", RevokeAsync)
            .WithName("RevokeApiKey").WithSummary("Revoke an API key")
            .RequireTenantPermission(TenantPermission.ManageApiKeys);
        return app;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateAsync(
        string tenantId, CreateApiKeyRequest request, HttpContext http, IGrainFactory grains,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var inputs = new Inputs();
        var name = inputs.Text("name", request.Name, required: true);
        if (request.Scopes is not { Count: > 0 }) inputs.Fail("scopes", "At least one scope is required.");
        else if (request.Scopes.FirstOrDefault(s => !ApiKeyScopes.All.Contains(s)) is { } unknown)
            inputs.Fail("scopes", $"Unknown scope '{unknown}'; known scopes are {string.Join(", ", ApiKeyScopes.All)}.");
        var expiresAt = inputs.Expiry("expiresAt", request.ExpiresAt, time.GetUtcNow());
        if (!inputs.IsValid) return inputs.Problem();

        var created = await grains.GetGrain<ITenantGrain>(tenantId)
            .CreateApiKey(new NewApiKey(name!, request.Scopes!.Distinct().ToList(), expiresAt), http.Actor());
        var key = created.Info;
        return TypedResults.Created($"/v1/tenants/{tenantId}/api-keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.ExpiresAt, created.Key));
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListAsync(string tenantId, HttpContext http, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<ITenantGrain>(tenantId).GetApiKeys();
        return TypedResults.Ok(keys.Select(k => new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string tenantId, string keyId, HttpContext http, IGrainFactory grains)
    {
        return await grains.GetGrain<ITenantGrain>(tenantId).RevokeApiKey(keyId, http.Actor())
            ? TypedResults.NoContent()
            : Problems.NotFound("The API key");
    }
}
