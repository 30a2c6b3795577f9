using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Auth;

namespace Tollgate.Api.Extensions;

public static class ApiKeyCacheServiceCollectionExtensions
{
    /// <summary>The silo's cache of API-key identities, subscribed to revocations once the silo runs.</summary>
    public static IServiceCollection AddApiKeyCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyCacheOptions>().Bind(configuration.GetSection(ApiKeyCacheOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyCacheOptions>, ApiKeyCacheOptionsValidation>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<IApiKeyCacheObserver, ApiKeyCacheObserver>();
        services.AddHostedService<ApiKeyCacheSubscription>();
        return services;
    }
}
