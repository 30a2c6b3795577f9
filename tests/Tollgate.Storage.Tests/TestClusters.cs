using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Tollgate.Storage.Tests;

/// <summary>In-process Orleans clusters on Tollgate's storage.</summary>
internal static class TestClusters
{
    /// <summary>
    /// A one-silo cluster on the target's database. It is named after the target (the builder would
    /// pick a random ServiceId), so a cluster started again on the same target reads what the first stored.
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(StorageTarget target)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = target.Id;
        builder.Options.ClusterId = target.Id;
        // Orleans logs every placement through Polly at Information.
        builder.ConfigureSiloHost((_, host) => host.Logging.AddFilter("Polly", LogLevel.Warning));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseTollgateStorage(target.Options());
            // The default minimum (a minute) is longer than a test; Orleans logs a warning for this.
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
