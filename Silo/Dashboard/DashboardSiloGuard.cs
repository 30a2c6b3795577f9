using Orleans.Runtime;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Silo.Dashboard;

/// <summary>
/// The dashboard's silo views (<c>/dashboard/SiloProperties/{address}</c> and the like) ask the silo
/// at the address in the URL. An address that names no live silo of this cluster answers 404 here:
/// the dashboard itself answers 500 when it cannot parse one, and 503 "lost connectivity" when no
/// such silo answers.
/// </summary>
internal static class DashboardSiloGuard
{
    private static readonly string[] SiloViews = ["SiloProperties", "SiloCounters", "SiloMetadata", "HistoricalStats"];

    public static IApplicationBuilder UseDashboardSiloGuard(this IApplicationBuilder app, string dashboardPath) =>
        app.Use((context, next) => GuardAsync(context, next, dashboardPath));

    private static async Task GuardAsync(HttpContext context, RequestDelegate next, string dashboardPath)
    {
        foreach (var view in SiloViews)
        {
            if (context.Request.Path.StartsWithSegments($"{dashboardPath}/{view}", StringComparison.OrdinalIgnoreCase, out var rest)
                && !IsLiveSilo(context.RequestServices.GetRequiredService<IClusterMembershipService>(), rest.Value?.TrimStart('/')))
            {
                await Problems.NotFound("A live silo of this cluster at this address").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }

    private static bool IsLiveSilo(IClusterMembershipService membership, string? address) =>
        membership.CurrentSnapshot.Members.Values.Any(member => member.Status != SiloStatus.Dead
            && member.SiloAddress.ToParsableString() == address);
}
