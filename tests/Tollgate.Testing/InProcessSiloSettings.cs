namespace Tollgate.Testing;

/// <summary>
/// What every silo hosted in-process (Program in a WebApplicationFactory: the API tests, the analytics bench) starts with: its
/// storage, the bootstrap operator, quiet logs, and ports and a cluster of its own. Given as host settings, not app
/// configuration: the silo reads its storage and cluster settings while Program builds the host, before app configuration
/// added by a factory would be applied.
/// </summary>
public static class InProcessSiloSettings
{
    public static Dictionary<string, string?> For(StorageTarget storage, string operatorEmail, string operatorPassword) => new()
    {
        ["Storage:Provider"] = storage.Provider.ToString(),
        ["Storage:ConnectionString"] = storage.ConnectionString,
        ["Admin:Email"] = operatorEmail,
        ["Admin:Password"] = operatorPassword,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:Tollgate"] = "Warning",
        // Every silo listens on ports of its own; silos on one database form one cluster.
        ["Orleans:SiloPort"] = FreePorts.Next().ToString(),
        ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
        ["Orleans:ClusterId"] = storage.Id,
        ["Orleans:ServiceId"] = storage.Id,
        // Its callers all come from one address: the per-address limit is tested with its own settings (RateLimitTests).
        ["RateLimits:Auth:PermitLimit"] = "1000000",
    };
}
