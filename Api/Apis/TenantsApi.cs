using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record CreateTenantRequest([property: Required] string? Name);
public sealed record TenantSettingsDto(string? BillingEmail);
public sealed record UpdateTenantRequest(string? Name, TenantSettingsDto? Settings);
public sealed record TenantResponse(string Id, string Name, TenantSettingsDto Settings, DateTimeOffset CreatedAt);
public sealed record ChangeRoleRequest([property: Required] string? Role);
public sealed record MemberResponse(string UserId, string Email, string Role, DateTimeOffset AddedAt);

public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants").WithTags("Tenants").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapPost("/", CreateAsync)
            .WithName("CreateTenant").WithSummary("Create a tenant you own")
            .RequireAuthorization(AuthorizationPolicies.User);
        api.MapGet("/{tenantId}", GetAsync)
            .WithName("GetTenant").WithSummary("Read a tenant")
            .RequireTenantPermission(TenantPermission.Read);
        api.MapPatch("/{tenantId}", UpdateAsync)
            .WithName("UpdateTenant").WithSummary("Change a tenant's name or settings")
            .RequireTenantPermission(TenantPermission.ManageSettings);

        var members = api.MapGroup("/{tenantId}/members").WithTags("Members");
        members.MapGet("/", GetMembersAsync)
            .WithName("ListMembers").WithSummary("List a tenant's members")
            .RequireTenantPermission(TenantPermission.Read);
        members.MapPatch("/{userId}", ChangeRoleAsync)
            .WithName("ChangeMemberRole").WithSummary("Change a member's role")
            .RequireTenantPermission(TenantPermission.ManageMembers)
            .AnswersProblem(StatusCodes.Status409Conflict, "The tenant must keep at least one owner (`conflict`).");
        members.MapDelete("/{userId}", RemoveMemberAsync)
            .WithName("RemoveMember").WithSummary("Remove a member from a tenant")
            .RequireTenantPermission(TenantPermission.ManageMembers)
            .AnswersProblem(StatusCodes.Status409Conflict, "The tenant must keep at least one owner (`conflict`).");
        return app;
    }

    private static async Task<Results<Created<TenantResponse>, ProblemHttpResult>> CreateAsync(
        CreateTenantRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var name = inputs.Text("name", request.Name, required: true);
        if (!inputs.IsValid) return inputs.Problem();
        var tenant = await CreateTenantAsync(grains, name!, http);
        return tenant is null ? Problems.NotFound("The user") : TypedResults.Created($"/v1/tenants/{tenant.Id}", ToResponse(tenant));
    }

    /// <summary>A new tenant the signed-in person owns (the portal's home page makes one the same way); null when the user is
    /// gone.</summary>
    internal static async Task<TenantInfo?> CreateTenantAsync(IGrainFactory grains, string name, HttpContext http)
    {
        var user = await grains.GetGrain<IUserGrain>(http.User.UserId()!).GetProfile();
        if (user is null) return null;
        var tenantId = Secrets.NewId("ten");
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).Create(name, user.Id, user.Email, http.Actor());
        await grains.GetGrain<IUserGrain>(user.Id).JoinTenant(tenantId, TenantRole.Owner);
        await grains.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key).AddTenant(new DirectoryTenant(tenant.Id, tenant.Name, tenant.CreatedAt));
        return tenant;
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetAsync(
        string tenantId, HttpContext http, IGrainFactory grains)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).Get();
        return tenant is null ? Problems.NotFound("The tenant") : TypedResults.Ok(ToResponse(tenant));
    }

    internal static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> UpdateAsync(
        string tenantId, UpdateTenantRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var name = request.Name is null ? null : inputs.Text("name", request.Name, required: true);
        var billingEmail = request.Settings is null ? null : inputs.Email("settings.billingEmail", request.Settings.BillingEmail, required: false);
        if (!inputs.IsValid) return inputs.Problem();
        var settings = request.Settings is null ? null : new TenantSettings(billingEmail);
        return TypedResults.Ok(ToResponse(await grains.GetGrain<ITenantGrain>(tenantId).Update(name, settings, http.Actor())));
    }

    internal static async Task<Ok<List<MemberResponse>>> GetMembersAsync(string tenantId, HttpContext http, IGrainFactory grains)
    {
        return TypedResults.Ok((await grains.GetGrain<ITenantGrain>(tenantId).GetMembers()).Select(ToResponse).ToList());
    }

    internal static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> ChangeRoleAsync(
        string tenantId, string userId, ChangeRoleRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var role = ParseRole(inputs, request.Role);
        if (!inputs.IsValid) return inputs.Problem();
        var change = await grains.GetGrain<ITenantGrain>(tenantId).ChangeRole(userId, role!.Value, http.TenantRole(), http.Actor());
        return change.Error == TenantChangeError.None ? TypedResults.Ok(ToResponse(change.Value!)) : Problems.For(change.Error, change.Detail);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        string tenantId, string userId, HttpContext http, IGrainFactory grains)
    {
        var change = await grains.GetGrain<ITenantGrain>(tenantId).RemoveMember(userId, http.TenantRole(), http.Actor());
        return change.Error == TenantChangeError.None ? TypedResults.NoContent() : Problems.For(change.Error, change.Detail);
    }

    internal static TenantRole? ParseRole(Inputs inputs, string? role)
    {
        if (TenantRoles.TryParse(role, out var parsed)) return parsed;
        inputs.Fail("role", "Role must be one of owner, admin, billing, member.");
        return null;
    }

    private static TenantResponse ToResponse(TenantInfo tenant) =>
        new(tenant.Id, tenant.Name, new TenantSettingsDto(tenant.Settings.BillingEmail), tenant.CreatedAt);

    internal static MemberResponse ToResponse(TenantMember member) => new(member.UserId, member.Email, member.Role.ToWire(), member.AddedAt);
}
