using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record InviteRequest([property: Required] string? Email, [property: Required] string? Role);
public sealed record InvitationResponse(string Id, string Email, string Role, string InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
public sealed record MyInvitationResponse(string Id, string TenantId, string TenantName, string Role, DateTimeOffset ExpiresAt);

/// <summary>
/// Members join by invitation: an owner or admin invites an email, and the person signed in with
/// that email, once verified, accepts or declines. Inviting answers the same whether or not the email has an
/// account, so a tenant learns nothing about who is registered.
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/v1/tenants/{tenantId}/invitations").WithTags("Members").RequireAuthorization(AuthorizationPolicies.Caller);
        tenant.MapPost("/", InviteAsync)
            .WithName("InviteMember").WithSummary("Invite an email into a tenant")
            .RequireTenantPermission(TenantPermission.ManageMembers)
            .AnswersProblem(StatusCodes.Status409Conflict, "A member has this email, or it has a pending invitation (`conflict`).");
        tenant.MapGet("/", ListAsync)
            .WithName("ListInvitations").WithSummary("List a tenant's pending invitations")
            .RequireTenantPermission(TenantPermission.ManageMembers);
        tenant.MapDelete("/{invitationId}", RevokeAsync)
            .WithName("RevokeInvitation").WithSummary("Revoke a pending invitation")
            .RequireTenantPermission(TenantPermission.ManageMembers);

        var mine = app.MapGroup("/v1").WithTags("Members").RequireAuthorization(AuthorizationPolicies.User);
        mine.MapGet("/me/invitations", MineAsync)
            .WithName("ListMyInvitations").WithSummary("List the invitations addressed to you (once your email is verified)");
        mine.MapPost("/invitations/{invitationId}/accept", AcceptAsync)
            .WithName("AcceptInvitation").WithSummary("Accept an invitation and join its tenant")
            .AnswersProblem(StatusCodes.Status409Conflict, "You are already a member of the tenant (`conflict`).");
        mine.MapPost("/invitations/{invitationId}/decline", DeclineAsync)
            .WithName("DeclineInvitation").WithSummary("Decline an invitation");
        return app;
    }

    internal static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> InviteAsync(
        string tenantId, InviteRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var email = inputs.Email("email", request.Email);
        var role = TenantsApi.ParseRole(inputs, request.Role);
        if (!inputs.IsValid) return inputs.Problem();
        var change = await grains.GetGrain<ITenantGrain>(tenantId).Invite(email!, role!.Value, http.TenantRole(), http.Actor());
        return change.Error == TenantChangeError.None
            ? TypedResults.Created($"/v1/tenants/{tenantId}/invitations/{change.Value!.Id}", ToResponse(change.Value))
            : Problems.For(change.Error, change.Detail);
    }

    internal static async Task<Ok<List<InvitationResponse>>> ListAsync(string tenantId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<ITenantGrain>(tenantId).GetInvitations()).Select(ToResponse).ToList());

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string tenantId, string invitationId, HttpContext http, IGrainFactory grains)
    {
        var change = await grains.GetGrain<ITenantGrain>(tenantId).RevokeInvitation(invitationId, http.TenantRole(), http.Actor());
        return change.Error == TenantChangeError.None ? TypedResults.NoContent() : Problems.For(change.Error, change.Detail);
    }

    internal static async Task<Results<Ok<List<MyInvitationResponse>>, ProblemHttpResult>> MineAsync(HttpContext http, IGrainFactory grains)
    {
        if (await ProfileAsync(http, grains) is not { } user) return Problems.NotFound("The user");
        if (!user.EmailVerified) return Unverified();
        var pointers = await grains.GetGrain<IInviteeGrain>(user.Email).GetInvitations();
        var found = await Task.WhenAll(pointers.Select(async pointer =>
        {
            var tenant = grains.GetGrain<ITenantGrain>(pointer.TenantId);
            return await tenant.GetInvitation(pointer.InvitationId) is { } invitation && invitation.Email == user.Email
                ? new MyInvitationResponse(invitation.Id, invitation.TenantId, (await tenant.Get())?.Name ?? "", invitation.Role.ToWire(), invitation.ExpiresAt)
                : null;
        }));
        return TypedResults.Ok(found.OfType<MyInvitationResponse>().ToList());
    }

    internal static async Task<Results<Ok<MeTenant>, ProblemHttpResult>> AcceptAsync(
        string invitationId, HttpContext http, IGrainFactory grains)
    {
        if (await ProfileAsync(http, grains) is { EmailVerified: false }) return Unverified();
        if (await FindAsync(invitationId, http, grains) is not ({ } user, { } tenantId)) return Problems.NotFound("The invitation");
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        var change = await tenant.AcceptInvitation(invitationId, user.Id, user.Email, http.Actor());
        if (change.Error != TenantChangeError.None) return Problems.For(change.Error, change.Detail);
        return TypedResults.Ok(new MeTenant(tenantId, (await tenant.Get())?.Name ?? "", change.Value!.Role.ToWire()));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeclineAsync(
        string invitationId, HttpContext http, IGrainFactory grains)
    {
        if (await ProfileAsync(http, grains) is { EmailVerified: false }) return Unverified();
        if (await FindAsync(invitationId, http, grains) is not ({ } user, { } tenantId)) return Problems.NotFound("The invitation");
        var change = await grains.GetGrain<ITenantGrain>(tenantId).DeclineInvitation(invitationId, user.Email, http.Actor());
        return change.Error == TenantChangeError.None ? TypedResults.NoContent() : Problems.For(change.Error, change.Detail);
    }

    /// <summary>The caller and the tenant of an invitation sent to the caller's email; anyone else's invitation is not found.</summary>
    private static async Task<(UserProfile User, string TenantId)?> FindAsync(string invitationId, HttpContext http, IGrainFactory grains)
    {
        if (await ProfileAsync(http, grains) is not { } user) return null;
        var pointers = await grains.GetGrain<IInviteeGrain>(user.Email).GetInvitations();
        return pointers.FirstOrDefault(p => p.InvitationId == invitationId) is { } pointer ? (user, pointer.TenantId) : null;
    }

    /// <summary>Invitations find an address, so only its proven owner sees or answers them.</summary>
    private static ProblemHttpResult Unverified() =>
        Problems.Create(StatusCodes.Status403Forbidden, "email_unverified", "Email not verified",
            "Verify your email address first: follow the link emailed to you, or ask for a new one with POST /v1/auth/verify-email/resend.");

    private static Task<UserProfile?> ProfileAsync(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<IUserGrain>(http.User.UserId()!).GetProfile();

    private static InvitationResponse ToResponse(TenantInvitation invitation) =>
        new(invitation.Id, invitation.Email, invitation.Role.ToWire(), invitation.InvitedBy, invitation.CreatedAt, invitation.ExpiresAt);
}
