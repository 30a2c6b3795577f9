using Tollgate.Grains;

namespace Tollgate.Silo.Dashboard;

/// <summary>
/// The dashboard shows a grain's state on request (<c>/dashboard/GrainState?grainType=...</c>). Only
/// grain classes marked <see cref="StateShownOnDashboardAttribute"/> may be shown: the others hold
/// password, token or key hashes or signing keys, which even an operator has no reason to read.
/// </summary>
internal static class DashboardStateGuard
{
    public static IApplicationBuilder UseDashboardStateGuard(this IApplicationBuilder app, string dashboardPath) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments($"{dashboardPath}/GrainState", StringComparison.OrdinalIgnoreCase)
            && !Shown(context.Request.Query["grainType"].ToString()))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "This grain's state holds secrets and is not shown.", type: "https://tollgate.dev/problems/forbidden",
                extensions: new Dictionary<string, object?> { ["code"] = "forbidden" }).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static bool Shown(string grainType) =>
        typeof(StateShownOnDashboardAttribute).Assembly.GetTypes()
            .Any(type => type.FullName == grainType && type.IsDefined(typeof(StateShownOnDashboardAttribute), inherit: false));
}
