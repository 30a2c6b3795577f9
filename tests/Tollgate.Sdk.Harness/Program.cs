using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Sdk.Harness;
using Tollgate.Testing;

// Starts a silo on SQLite in a temporary directory, defines the SDK catalog, puts a dropping proxy in front and serves the
// control routes; prints one line of JSON describing all that, then runs until stdin closes or a signal comes.
using var silo = new SiloProcess(new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
try
{
    await silo.StartAsync();
    var catalog = new SdkCatalog(silo.BaseAddress);
    var platformKey = await catalog.DefineAsync();
    await using var proxy = await DroppingProxy.StartAsync(silo.BaseAddress);
    await using var control = await ControlRoutes.StartAsync(catalog, proxy);
    var description = new HarnessDescription(
        Url(silo.BaseAddress), Url(proxy.BaseAddress), Url(control.BaseAddress), SdkCatalog.QuotaType, SdkCatalog.QuotaLimit,
        SdkCatalog.Tool, SdkCatalog.CreditsPerUnit, SdkCatalog.MonthlyCredits, platformKey);
    Console.Out.WriteLine(JsonSerializer.Serialize(description, HarnessJson.Default.HarnessDescription));
    Console.Out.Flush();
    await UntilStoppedAsync();
    await silo.TerminateAsync();
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"The SDK harness failed: {e.Message}\n{silo.Output}");
    return 1;
}

static string Url(Uri address) => address.ToString().TrimEnd('/');

// The suite that started the harness closes its stdin when it is done (or dies, which closes it too).
static async Task UntilStoppedAsync()
{
    var signalled = new TaskCompletionSource();
    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        signalled.TrySetResult();
    }
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    await Task.WhenAny(Console.In.ReadToEndAsync(), signalled.Task);
}
