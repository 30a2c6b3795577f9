using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>The real silo (Program) in the ASP.NET test host, on a given storage target.</summary>
public sealed class SiloFactory(StorageTarget storage) : WebApplicationFactory<Program>
{
    // Settings, not app configuration: the silo reads them while Program builds the host.
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseSetting("Storage:Provider", storage.Provider.ToString())
        .UseSetting("Storage:ConnectionString", storage.ConnectionString)
        .UseSetting("Logging:LogLevel:Default", "Warning")
        .UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning")
        .UseSetting("Logging:LogLevel:Tollgate", "Warning")
        .UseSetting("Orleans:SiloPort", FreePorts.Next().ToString())
        .UseSetting("Orleans:GatewayPort", FreePorts.Next().ToString())
        .UseSetting("Orleans:ClusterId", storage.Id)
        .UseSetting("Orleans:ServiceId", storage.Id)
        .ConfigureTestServices(services => services.ShareDashboardAssets().StopSiloOnce());
}
