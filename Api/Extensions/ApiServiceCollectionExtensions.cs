namespace Tollgate.Api.Extensions;

public static class ApiServiceCollectionExtensions
{
    /// <summary>Problem details for every error, and the OpenAPI document.</summary>
    public static IServiceCollection AddTollgateApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>Errors become RFC 9457 problem responses; then every API area is mapped.</summary>
    public static WebApplication UseTollgateApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthApi();
        return app;
    }
}
