using Tollgate.Api.Auth;

namespace Tollgate.Api.Pages;

/// <summary>
/// The signed-in person of one page request, read from the user grain once however many components ask (the layout,
/// the tenant switcher, the page). Null on pages open to anyone, such as sign-in.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor accessor, IGrainFactory grains)
{
    private Task<UserProfile?>? _profile;

    public string? UserId => accessor.HttpContext?.User.UserId();

    public Task<UserProfile?> ProfileAsync() =>
        _profile ??= UserId is { } userId ? grains.GetGrain<IUserGrain>(userId).GetProfile() : Task.FromResult<UserProfile?>(null);
}
