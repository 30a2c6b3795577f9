extern alias silo;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Analytics;

/// <summary>
/// The real silo (Program) in the bench's process, served by Kestrel on 127.0.0.1, on a domain clock the bench moves (a year of
/// history is laid down in minutes). Only Tollgate's clock moves; Orleans' reminders keep real time, and the bench catches each
/// subscription up by calling it.
/// </summary>
public sealed class BenchSilo(StorageTarget storage) : WebApplicationFactory<silo::Program>
{
    public const string OperatorEmail = "ops@bench.test", OperatorPassword = "bench-operator-password";

    public OffsetTimeProvider Clock { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        var port = FreePorts.Next();
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in InProcessSiloSettings.For(storage, OperatorEmail, OperatorPassword)) builder.UseSetting(key, value);
        // The silo needs no files of its project (its pages' assets are embedded); the default would look for the project from
        // the working directory, which is the repository's root for `dotnet run`.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.ConfigureTestServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            services.StopSiloOnce();
        });
    }

    /// <summary>Moves the domain clock to <paramref name="at"/> (forward or back).</summary>
    public void SetClock(DateTimeOffset at) => Clock.Advance(at - Clock.GetUtcNow());
}
