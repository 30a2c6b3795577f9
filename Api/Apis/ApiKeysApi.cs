using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api;

public sealed record CreateApiKeyRequest([property: Required] string? Name, [property: Required] List<string>? Scopes, DateTimeOffset? ExpiresAt);
public sealed record ApiKeyResponse(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);
public sealed record CreatedApiKeyResponse(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Key);

/// <summary>
/// A tenant's API keys, which act for that tenant, and the platform's (operator only), which act for whichever tenant a
/// request names. Either is shown once, when made; only its hash is kept.
/// </summary>
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

        var platform = app.MapGroup("/v1/admin/api-keys").WithTags("Admin").RequireOperator();
        platform.MapPost("/", CreatePlatformKeyAsync)
            .WithName("CreatePlatformApiKey")
            .WithSummary("Create a platform API key, acting for any tenant a request names (operator; shown once)");
        platform.MapGet("/", ListPlatformKeysAsync)
            .WithName("ListPlatformApiKeys").WithSummary("List the platform API keys (operator)");
        platform.MapDelete("/{keyId}", RevokePlatformKeyAsync)
            .WithName("RevokePlatformApiKey").WithSummary("Revoke a platform API key (operator)");
        return app;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateAsync(
        string tenantId, CreateApiKeyRequest request, HttpContext http, IGrainFactory grains,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var (key, problem) = Read(request, time);
        if (problem is not null) return problem;
        var created = await grains.GetGrain<ITenantGrain>(tenantId).CreateApiKey(key!, http.Actor());
        return TypedResults.Created($"/v1/tenants/{tenantId}/api-keys/{created.Info.Id}", ToResponse(created));
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListAsync(string tenantId, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<ITenantGrain>(tenantId).GetApiKeys()).Select(ToResponse).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string tenantId, string keyId, HttpContext http, IGrainFactory grains)
    {
        return await grains.GetGrain<ITenantGrain>(tenantId).RevokeApiKey(keyId, http.Actor())
            ? TypedResults.NoContent()
            : Problems.NotFound("The API key");
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreatePlatformKeyAsync(
        CreateApiKeyRequest request, HttpContext http, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var (key, problem) = Read(request, time);
        if (problem is not null) return problem;
        var created = await PlatformKeys(grains).CreateApiKey(key!, http.Actor());
        return TypedResults.Created($"/v1/admin/api-keys/{created.Info.Id}", ToResponse(created));
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListPlatformKeysAsync(IGrainFactory grains) =>
        TypedResults.Ok((await PlatformKeys(grains).GetApiKeys()).Select(ToResponse).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokePlatformKeyAsync(
        string keyId, HttpContext http, IGrainFactory grains) =>
        await PlatformKeys(grains).RevokeApiKey(keyId, http.Actor()) ? TypedResults.NoContent() : Problems.NotFound("The API key");

    private static IPlatformApiKeysGrain PlatformKeys(IGrainFactory grains) =>
        grains.GetGrain<IPlatformApiKeysGrain>(IPlatformApiKeysGrain.Key);

    /// <summary>The key a request asks for (a name, known scopes, an expiry to come), or the problem with it.</summary>
    private static (NewApiKey? Key, ProblemHttpResult? Problem) Read(CreateApiKeyRequest request, TimeProvider time)
    {
        var inputs = new Inputs();
        return Read(inputs, request, time) is { } key ? (key, null) : (null, inputs.Problem());
    }

    /// <summary>The key a request asks for, or null with the problems in <paramref name="inputs"/> (the keys page reads it so
    /// too).</summary>
    internal static NewApiKey? Read(Inputs inputs, CreateApiKeyRequest request, TimeProvider time)
    {
        var name = inputs.Text("name", request.Name, required: true);
        if (request.Scopes is not { Count: > 0 }) inputs.Fail("scopes", "At least one scope is required.");
        else if (request.Scopes.FirstOrDefault(s => !ApiKeyScopes.All.Contains(s)) is { } unknown)
            inputs.Fail("scopes", $"Unknown scope '{unknown}'; known scopes are {string.Join(", ", ApiKeyScopes.All)}.");
        var expiresAt = inputs.Expiry("expiresAt", request.ExpiresAt, time.GetUtcNow());
        return inputs.IsValid ? new NewApiKey(name!, request.Scopes!.Distinct().ToList(), expiresAt) : null;
    }

    private static CreatedApiKeyResponse ToResponse(CreatedApiKey created)
    {
        var key = created.Info;
        return new CreatedApiKeyResponse(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.ExpiresAt, created.Key);
    }

    private static ApiKeyResponse ToResponse(ApiKeyInfo k) => new(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt);
}
