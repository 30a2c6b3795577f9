using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// <c>/docs</c>: a browsable reference of <c>/openapi/v1.json</c> (Swagger UI, whose scripts and styles are
/// served from the Swashbuckle.AspNetCore.SwaggerUI assembly, never a CDN), in Development and when
/// <c>OpenApi:Ui</c> is true. Its pages get a policy of their own (SecurityHeaders sets it) that lets the
/// reference's own scripts run and nothing else load: no other origin, no inline script, no frames. Inline
/// styles are allowed: Swagger UI sets some as it renders, and a style cannot run code.
/// </summary>
public static class ApiReference
{
    public const string Path = "/docs";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication UseApiReference(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<OpenApiDocumentOptions>>().Value;
        if (!app.Environment.IsDevelopment() && !options.Ui) return app;
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = Path.TrimStart('/');
            ui.DocumentTitle = "Tollgate API";
            ui.SwaggerEndpoint("/openapi/v1.json", "Tollgate v1");
        });
        return app;
    }
}
