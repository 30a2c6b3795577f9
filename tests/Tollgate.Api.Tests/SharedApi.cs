using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// One started API on one database for all tests of a class (xunit's class fixture; a class's tests run one at a time).
/// </summary>
public sealed class SharedApi : IAsyncLifetime
{
    private StorageTarget _storage = null!;

    public ApiFactory Api { get; private set; } = null!;

    public TestMailbox Mailbox { get; } = new();

    public async Task InitializeAsync()
    {
        _storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        Api = new ApiFactory(_storage, Mailbox);
        Api.CreateClient().Dispose(); // starts the host
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _storage.DisposeAsync();
        await Mailbox.DisposeAsync();
    }
}

/// <summary>
/// Tests that share their class's silo (<see cref="SharedApi"/>): each registers users and tenants of its own (emails
/// no other test of the class uses) and looks only at those, so the tests cannot tell they share; the silo's start is
/// most of such a test's time (the catalog, set up once per silo, suits one test of a class). A test that moves the
/// clock, restarts the silo, needs settings of its own or counts what the whole platform holds derives from
/// <see cref="ApiTestBase"/> instead: a silo and database of its own.
/// </summary>
public abstract class SharedApiTestBase(SharedApi shared) : ApiTestHelpers, IClassFixture<SharedApi>
{
    protected ApiFactory Api => shared.Api;

    protected TestMailbox Mailbox => shared.Mailbox;
}
