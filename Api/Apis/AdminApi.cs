using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;

namespace Tollgate.Api;

public sealed record AdminTenant(string Id, string Name, DateTimeOffset CreatedAt);
public sealed record AdminUser(string Id, string Email, string Name, bool Disabled, bool IsOperator, DateTimeOffset CreatedAt);

/// <summary>What the platform operator sees and does across tenants.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/admin").WithTags("Admin").RequireOperator();
        api.MapGet("/tenants", TenantsAsync)
            .WithName("ListAllTenants").WithSummary("List every tenant (operator)");
        api.MapGet("/users", UsersAsync)
            .WithName("FindUsers").WithSummary("Find users by email (operator)");
        api.MapPost("/users/{userId}/disable", (string userId, HttpContext http, IGrainFactory grains) => SetDisabledAsync(userId, true, http, grains))
            .WithName("DisableUser").WithSummary("Disable a user and end their sessions (operator)")
            .AnswersProblem(StatusCodes.Status409Conflict, "Operators cannot disable themselves (`cannot_disable_self`).");
        api.MapPost("/users/{userId}/enable", (string userId, HttpContext http, IGrainFactory grains) => SetDisabledAsync(userId, false, http, grains))
            .WithName("EnableUser").WithSummary("Enable a disabled user (operator)");
        return app;
    }

    private static async Task<Ok<List<AdminTenant>>> TenantsAsync(IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key).GetTenants())
            .Select(t => new AdminTenant(t.Id, t.Name, t.CreatedAt)).ToList());

    private static async Task<Results<Ok<List<AdminUser>>, ProblemHttpResult>> UsersAsync(string? email, IGrainFactory grains)
    {
        IEnumerable<string> userIds;
        if (email is not null)
        {
            var inputs = new Inputs();
            var normalized = inputs.Email("email", email);
            if (!inputs.IsValid) return inputs.Problem();
            userIds = await UserIdByEmailAsync(grains, normalized!) is { } id ? [id] : [];
        }
        else
        {
            userIds = (await grains.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key).GetUsers()).Select(u => u.Id);
        }
        var profiles = await Task.WhenAll(userIds.Select(id => grains.GetGrain<IUserGrain>(id).GetProfile()));
        return TypedResults.Ok(profiles.OfType<UserProfile>().Select(ToAdminUser).ToList());
    }

    /// <summary>The user whose account has this email, normalized as <see cref="Inputs.Email"/> leaves it; null when none has.</summary>
    internal static Task<string?> UserIdByEmailAsync(IGrainFactory grains, string normalizedEmail) =>
        grains.GetGrain<IEmailAccountGrain>(normalizedEmail).GetUserId();

    /// <summary>Disables or enables a user, as the console's tenant page does too.</summary>
    internal static async Task<Results<Ok<AdminUser>, ProblemHttpResult>> SetDisabledAsync(
        string userId, bool disabled, HttpContext http, IGrainFactory grains)
    {
        if (disabled && userId == http.User.UserId()) return Problems.Conflict("cannot_disable_self", "Operators cannot disable themselves.");
        var user = grains.GetGrain<IUserGrain>(userId);
        if (await user.GetProfile() is null) return Problems.NotFound("The user");
        return TypedResults.Ok(ToAdminUser(await user.SetDisabled(disabled, http.Actor())));
    }

    private static AdminUser ToAdminUser(UserProfile user) => new(user.Id, user.Email, user.Name, user.Disabled, user.IsOperator, user.CreatedAt);
}
