using Orleans.Dashboard;
using Tollgate.Api.Auth;

namespace Tollgate.Silo.Dashboard;

public static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>
    /// The Orleans Dashboard at <c>/dashboard</c>, for the platform operator signed in at <c>/signin</c>
    /// only: it has no authentication of its own, and shows the cluster, its grains and their calls.
    /// </summary>
    public static WebApplication MapTollgateDashboard(this WebApplication app)
    {
        app.UseDashboardGrainState(Path);
        app.UseDashboardSiloGuard(Path);
        app.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(AuthorizationPolicies.PlatformOperatorPage).ExcludeFromDescription();
        return app;
    }
}
