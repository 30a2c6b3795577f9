using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Core;
using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Hosting;

/// <summary>A grain class this silo hosts.</summary>
internal sealed record GrainClassRegistration(Type Type);

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime, bound to the <c>Runtime</c> and <c>Storage</c> configuration sections, and
    /// a hosted service that creates the schema, starts reminders and drains on shutdown.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.SectionName));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new GrainStateSerializer());
        services.TryAddSingleton(sp => StorageProviders.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetService<MemoryDatabase>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorageProvider>().Journal);
        services.TryAddSingleton(sp => new GrainTypeRegistry(sp.GetServices<GrainClassRegistration>().Select(r => r.Type)));
        services.TryAddSingleton(sp => new GrainRuntime(
            sp, sp.GetRequiredService<GrainTypeRegistry>(), sp.GetRequiredService<IOptions<GrainRuntimeOptions>>(),
            sp.GetRequiredService<IStorageProvider>(), sp.GetRequiredService<GrainStateSerializer>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GrainRuntime>>()));
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<SiloLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloLifecycle>());
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    /// <summary>Registers every concrete <see cref="Grain"/> class of the assembly.</summary>
    public static IServiceCollection AddGrains(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => typeof(Grain).IsAssignableFrom(t) && t is { IsAbstract: false, IsClass: true }))
            services.AddGrain(type);
        return services;
    }

    public static IServiceCollection AddGrain(this IServiceCollection services, Type grainClass)
    {
        // Registering a class twice is harmless: the registry takes each class once.
        return services.AddSingleton(new GrainClassRegistration(grainClass));
    }
}
