using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Tollgate.Storage.Tests;

/// <summary>Silos on one PostgreSQL database find each other through Orleans' ADO.NET membership table in Tollgate's schema.</summary>
public sealed class PostgreSqlMembershipTests
{
    [Fact]
    public async Task Two_silo_hosts_on_one_database_form_one_cluster()
    {
        await using var target = await StorageTarget.CreateAsync(StorageProviderKind.PostgreSql);
        var hosts = new List<IHost>();
        try
        {
            // Started together: both migrate the schema at once, as silos of a cluster starting side by side do.
            hosts.AddRange(await Task.WhenAll(StartSiloAsync(target), StartSiloAsync(target)));

            foreach (var host in hosts)
            {
                var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
                await Eventually.HoldsAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both silos active");
            }
            await using var database = SqlDatabase.Create(target.Options());
            var active = await Databases.CountAsync(database, "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @p1 AND Status = @p2",
                target.Id, (int)SiloStatus.Active);
            Assert.Equal(2, active);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(host => host.StopAsync()));
            foreach (var host in hosts) host.Dispose();
        }
    }

    private static async Task<IHost> StartSiloAsync(StorageTarget target)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddFilter("Polly", LogLevel.Warning).AddFilter("Orleans", LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (target.Id, target.Id));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
            silo.UseAdoNetClustering(membership => (membership.Invariant, membership.ConnectionString) = ("Npgsql", target.ConnectionString));
            silo.UseTollgateStorage(target.Options());
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
