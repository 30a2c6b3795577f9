using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>The real silo (Program) in the ASP.NET test host, on a given storage target.</summary>
public sealed class SiloFactory(StorageTarget storage) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = storage.Provider.ToString(),
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Tollgate"] = "Warning",
        }));
}
