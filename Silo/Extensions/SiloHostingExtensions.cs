using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Tollgate.Grains;
using Tollgate.Runtime;
using Tollgate.Runtime.Hosting;

namespace Tollgate.Silo.Extensions;

public static class SiloHostingExtensions
{
    /// <summary>The runtime on the configured storage, hosting Tollgate's grains, with quiet single-line logs.</summary>
    public static WebApplicationBuilder AddTollgateSilo(this WebApplicationBuilder builder)
    {
        // Quiet by default wherever the silo is started from; appsettings, environment and
        // command line still override these.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                ["Logging:LogLevel:Tollgate"] = "Information",
            },
        });
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Services.AddGrainRuntime(builder.Configuration).AddGrains(GrainsAssembly.Assembly);

        // The host waits for the silo to drain: queued calls finish and pending writes commit.
        var runtimeOptions = builder.Configuration.GetSection(GrainRuntimeOptions.SectionName).Get<GrainRuntimeOptions>() ?? new();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = runtimeOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
        return builder;
    }
}
