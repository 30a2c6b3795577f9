using System.Reflection;
using System.Text.Json;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains;

namespace Tollgate.Silo.Dashboard;

/// <summary>
/// The dashboard's grain-state view (<c>/dashboard/GrainState?grainType=...&amp;grainId=...</c>), answered
/// here rather than by the dashboard, which looks for a state type on the grain's interface that
/// Tollgate's grains do not expose (so it showed <c>{}</c>). Only grain classes that implement
/// <see cref="IStateShownOnDashboard"/> are shown, as they give it: the others hold password, token
/// or key hashes or signing keys, which even an operator has no reason to read (403).
/// </summary>
internal static class DashboardGrainState
{
    private static readonly Dictionary<string, Type> GrainClasses = GrainsAssembly.Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(type))
        .ToDictionary(type => type.FullName!, StringComparer.Ordinal);

    public static IApplicationBuilder UseDashboardGrainState(this IApplicationBuilder app, string dashboardPath) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals($"{dashboardPath}/GrainState", StringComparison.OrdinalIgnoreCase))
                await (await StateAsync(context)).ExecuteAsync(context);
            else
                await next(context);
        });

    private static async Task<IResult> StateAsync(HttpContext context)
    {
        var grainType = context.Request.Query["grainType"].ToString();
        var grainId = context.Request.Query["grainId"].ToString();
        if (!GrainClasses.TryGetValue(grainType, out var grainClass)) return Problems.NotFound("A Tollgate grain class of this name");
        if (!typeof(IStateShownOnDashboard).IsAssignableFrom(grainClass))
            return Problems.Forbidden("This grain's state holds secrets and is not shown.");
        if (string.IsNullOrWhiteSpace(grainId)) return Problems.Field("grainId", "The grain's key is required.");

        var type = grainClass.GetCustomAttribute<GrainTypeAttribute>()!.GetGrainType(context.RequestServices, grainClass);
        var grain = context.RequestServices.GetRequiredService<IGrainFactory>()
            .GetGrain<IStateShownOnDashboard>(GrainId.Create(type, grainId));
        // As the dashboard answers: a JSON string its page shows as it is.
        return Results.Json(await grain.GetDashboardState(), JsonSerializerOptions.Web);
    }
}
