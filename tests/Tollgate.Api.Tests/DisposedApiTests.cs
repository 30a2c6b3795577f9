using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Payments;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// A disposed API (test host and silo, tens of MB) is garbage: nothing of the process (timers, threads, static caches,
/// listeners) holds on to it, so a test process may start as many silos as it has tests.
/// </summary>
public sealed class DisposedApiTests
{
    [Fact]
    public async Task A_disposed_api_and_its_silo_are_collected()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var mailbox = new TestMailbox();
        // Process-wide things made once (a runtime counter thread, Orleans' interning caches) keep the execution context
        // of the code that first needed them, which may be this process's first silo: the second one is the test.
        await StartAndDisposeAsync(storage, mailbox);
        var (api, services) = await StartAndDisposeAsync(storage, mailbox);

        // Threads and timers of the stopped silo may still be finishing their last turn on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((api.IsAlive || services.IsAlive) && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(100);
        }
        Assert.False(services.IsAlive, "the disposed silo's services are still reachable");
        Assert.False(api.IsAlive, "the disposed ApiFactory is still reachable");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Api, WeakReference Services)> StartAndDisposeAsync(StorageTarget storage, TestMailbox mailbox)
    {
        var api = new ApiFactory(storage, mailbox);
        var operatorAccount = await api.LoginOperatorAsync(); // a request through the whole pipeline and a grain call
        Assert.NotNull(operatorAccount.AccessToken);
        // As a billing call does: Stripe's client comes from the silo's HttpClientFactory, which rotates handlers on timers.
        using (var scope = api.Services.CreateScope()) Assert.NotNull(scope.ServiceProvider.GetRequiredService<IPaymentProvider>());
        var services = new WeakReference(api.Services);
        await api.DisposeAsync();
        return (new WeakReference(api), services);
    }
}
