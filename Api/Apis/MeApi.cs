using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api;

public sealed record MeTenant(string Id, string Name, string Role);
public sealed record MeResponse(string Id, string Email, string Name, bool EmailVerified, IReadOnlyList<MeTenant> Tenants);
public sealed record UpdateMeRequest(string? Name);
public sealed record ChangePasswordRequest([property: Required] string? CurrentPassword, [property: Required] string? NewPassword);

public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/me").WithTags("Me").RequireAuthorization(AuthorizationPolicies.User);
        api.MapGet("/", GetAsync)
            .WithName("GetMe").WithSummary("Read your profile and tenants");
        api.MapPatch("/", UpdateAsync)
            .WithName("UpdateMe").WithSummary("Change your name");
        api.MapPost("/password", ChangePasswordAsync)
            .WithName("ChangePassword").WithSummary("Change your password, ending every login, this one too");
        return app;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetAsync(HttpContext http, IGrainFactory grains) =>
        await MeAsync(grains, await grains.GetGrain<IUserGrain>(http.User.UserId()!).GetProfile());

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> UpdateAsync(
        UpdateMeRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        var name = inputs.Text("name", request.Name, required: true);
        if (!inputs.IsValid) return inputs.Problem();
        return await MeAsync(grains, await grains.GetGrain<IUserGrain>(http.User.UserId()!).Rename(name!, http.Actor()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext http, IGrainFactory grains)
    {
        var user = grains.GetGrain<IUserGrain>(http.User.UserId()!);
        if (await user.GetProfile() is not { } profile) return Problems.NotFound("The user");
        var inputs = new Inputs();
        if (string.IsNullOrEmpty(request.CurrentPassword)) inputs.Fail("currentPassword", "The current password is required.");
        var newPassword = inputs.Password("newPassword", request.NewPassword, profile.Email);
        if (!inputs.IsValid) return inputs.Problem();
        var changed = await user.ChangePassword(request.CurrentPassword!, newPassword!, http.Actor());
        return changed ? TypedResults.NoContent() : Problems.Field("currentPassword", "The current password is wrong.");
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> MeAsync(IGrainFactory grains, UserProfile? user)
    {
        if (user is null) return Problems.NotFound("The user");
        var tenants = await Task.WhenAll(user.Tenants.Select(async membership =>
        {
            var tenant = await grains.GetGrain<ITenantGrain>(membership.Key).Get();
            return new MeTenant(membership.Key, tenant?.Name ?? "", membership.Value.ToWire());
        }));
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.Name, user.EmailVerified, tenants));
    }
}
