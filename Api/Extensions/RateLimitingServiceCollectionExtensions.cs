using Microsoft.Extensions.Configuration;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Extensions;

public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// Rate limits from <c>RateLimits:*</c>: per client address on the credential endpoints, and per
    /// API key on the quota paths when configured (see <see cref="RateLimits"/>).
    /// </summary>
    public static IServiceCollection AddTollgateRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName));
        services.AddSingleton<RateLimits>();
        return services;
    }

    public static IApplicationBuilder UseTollgateRateLimiting(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<RateLimits>();
        return app.Use((http, next) => limits.InvokeAsync(http, next));
    }
}
