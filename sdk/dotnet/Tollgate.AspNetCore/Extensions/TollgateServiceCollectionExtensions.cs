using Tollgate.AspNetCore;
using Tollgate.Client;

namespace Microsoft.Extensions.DependencyInjection;

public static class TollgateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the guards' options (bound from the <c>Tollgate</c> section, then <paramref name="configure"/>) and, unless
    /// <c>AddTollgateClient</c> was called already, the <see cref="TollgateClient"/> from the same section.
    /// </summary>
    public static IServiceCollection AddTollgate(this IServiceCollection services, Action<TollgateOptions>? configure = null)
    {
        var options = services.AddOptions<TollgateOptions>().BindConfiguration(TollgateClientOptions.Section);
        if (configure is not null) options.Configure(configure);
        if (!services.Any(service => service.ServiceType == typeof(TollgateClient))) services.AddTollgateClient();
        return services;
    }
}
