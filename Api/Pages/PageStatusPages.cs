using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Tollgate.Api.Pages.Layout;

namespace Tollgate.Api.Pages;

/// <summary>
/// An error on a page (an unknown tenant, a role that may not, an expired form) is answered with a page in the
/// reader's language; everywhere else the status becomes a problem response, as before.
/// </summary>
public static class PageStatusPages
{
    private static readonly string[] Areas =
        [PortalPaths.Home, OpsPaths.Home, SignInApi.SignInPath, SignInApi.SignOutPath, CultureSwitch.Path, "/register"];

    public static bool IsPage(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null
        || Areas.Any(area => http.Request.Path.StartsWithSegments(area));

    public static IApplicationBuilder UsePageStatusPages(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        if (IsPage(http))
        {
            // A page that called NavigationManager.NotFound() has rendered in this request already: the status page renders
            // in services of its own (a fresh navigation manager), and sets the header that page had set.
            http.Response.Headers.Remove("blazor-enhanced-nav");
            var pageServices = http.RequestServices;
            await using var scope = pageServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            http.RequestServices = scope.ServiceProvider;
            try
            {
                var status = http.Response.StatusCode;
                await new RazorComponentResult<StatusPage>(new { Status = status }) { StatusCode = status }.ExecuteAsync(http);
            }
            finally
            {
                http.RequestServices = pageServices;
            }
            return;
        }
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } };
        if (!await problems.TryWriteAsync(problem))
            await http.Response.WriteAsync($"Status code {http.Response.StatusCode}");
    });
}
