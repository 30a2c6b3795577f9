using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Journal;
using Tollgate.Grains.Orders;
using Tollgate.Grains.Quotas;
using Tollgate.Silo.Health;
using Tollgate.Silo.Hosting;
using Tollgate.Storage;

namespace Tollgate.Silo.Extensions;

public static class SiloHostingExtensions
{
    /// <summary>An Orleans silo on the configured storage, hosting Tollgate's grains, with quiet single-line logs.</summary>
    public static WebApplicationBuilder AddTollgateSilo(this WebApplicationBuilder builder)
    {
        builder.WatchConfigurationFilesOnlyInDevelopment();
        // Quiet by default wherever the silo is started from; appsettings, environment and
        // command line still override these.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                ["Logging:LogLevel:Tollgate"] = "Information",
                // Orleans logs each grain placement through Polly at Information.
                ["Logging:LogLevel:Polly"] = "Warning",
            },
        });
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddHostedService<SiloLifecycleLog>();
        builder.Services.Configure<SubscriptionOptions>(builder.Configuration.GetSection(SubscriptionOptions.SectionName));
        builder.Services.Configure<QuotaAlertOptions>(builder.Configuration.GetSection(QuotaAlertOptions.SectionName));
        builder.Services.Configure<TopUsageOptions>(builder.Configuration.GetSection(TopUsageOptions.SectionName));
        builder.Services.Configure<CreditWalletOptions>(builder.Configuration.GetSection(CreditWalletOptions.SectionName));
        builder.Services.Configure<OrderOptions>(builder.Configuration.GetSection(OrderOptions.SectionName));
        builder.Services.AddSingleton<UnclaimedEmailFailures>();
        builder.Services.AddSingleton<ConsumeIdKey>();
        builder.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: ["ready"]);

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new();
        var silo = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new();
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (silo.ClusterId, silo.ServiceId));
            if (storage.Provider == StorageProviderKind.Sqlite)
            {
                // One silo on one file: SQLite has no cluster membership to share.
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            }
            else
            {
                orleans.ConfigureEndpoints(silo.AdvertisedAddress, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
                orleans.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = ("Npgsql", storage.ConnectionString));
            }
            orleans.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = silo.ProbeTimeout;
                options.NumMissedProbesLimit = silo.NumMissedProbesLimit;
            });
            orleans.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = silo.ResponseTimeout);
            orleans.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = silo.MinimumReminderPeriod);
            // Plan features are free-form JSON: System.Text.Json carries them between grains.
            orleans.Services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: type => type == typeof(System.Text.Json.JsonElement)));
            orleans.UseTollgateStorage(storage);
            orleans.AddDashboard();
        });
        return builder;
    }
}
