using Microsoft.AspNetCore.Authorization;

namespace Tollgate.Api.Auth;

/// <summary>The caller is the platform operator, as the user grain says now (not as a claim issued at sign-in said).</summary>
public sealed class PlatformOperatorRequirement : IAuthorizationRequirement;

internal sealed class PlatformOperatorHandler(IGrainFactory grains) : AuthorizationHandler<PlatformOperatorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformOperatorRequirement requirement)
    {
        if (context.User.UserId() is not { } userId) return;
        if (await Sessions.ActiveUserAsync(grains, userId) is { IsOperator: true }) context.Succeed(requirement);
    }
}
