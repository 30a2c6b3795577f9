using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>
/// A grain commits its change with the change's records in its state (the outbox), then copies them
/// into the journal. Here the silo dies between the two steps: the copy never happens. The restarted
/// silo finds the grain's pending mark and has it copy its outbox, so the record exists once.
/// </summary>
public sealed class JournalOutboxTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:OutboxRecoveryInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_change_committed_before_its_records_were_copied_is_journaled_once_after_a_restart()
    {
        var owner = await Api.RegisterAsync("outbox@example.com");
        await Api.DisposeAsync();
        var journal = new DyingJournal();
        var dying = await StartAsync(services: journal.Replace);

        journal.Dies = true;
        var rename = await dying.As(owner.AccessToken).PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}", new { name = "Renamed" });
        Assert.Equal(HttpStatusCode.InternalServerError, rename.StatusCode); // the request did not learn it was applied
        await dying.DisposeAsync();

        var restarted = await StartAsync();
        var operatorClient = restarted.As((await restarted.LoginOperatorAsync()).AccessToken);
        await EventuallyAsync(async () => (await AuditActionsAsync(operatorClient, owner.TenantId)).Contains("tenant.updated"),
            "the committed change's audit record was never copied into the journal");
        var tenant = await Json(await restarted.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}"));
        Assert.Equal("Renamed", tenant.GetProperty("name").GetString());
        await restarted.DisposeAsync();

        var again = await StartAsync(); // copying once more, on the next start, adds nothing
        var actions = await AuditActionsAsync(again.As((await again.LoginOperatorAsync()).AccessToken), owner.TenantId);
        Assert.Single(actions, action => action == "tenant.updated");
    }

    /// <summary>The silo's journal, which stops copying records (as a dying silo would) once told to.</summary>
    private sealed class DyingJournal
    {
        public volatile bool Dies;

        public void Replace(IServiceCollection services) =>
            services.AddSingleton<IJournalWriter>(provider => new Writer(this, provider.GetRequiredService<SqlJournal>()));

        private sealed class Writer(DyingJournal owner, IJournalWriter inner) : IJournalWriter
        {
            public Task MarkPendingAsync(string grainId, CancellationToken cancellationToken = default) =>
                inner.MarkPendingAsync(grainId, cancellationToken);

            public Task WriteAsync(string grainId, IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries,
                CancellationToken cancellationToken = default) =>
                owner.Dies ? Task.FromException(new IOException("The silo died before copying its outbox.")) : inner.WriteAsync(grainId, records, entries, cancellationToken);

            public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(string grainId, IReadOnlyCollection<string> entryKeys,
                CancellationToken cancellationToken = default) => inner.ReadEntriesAsync(grainId, entryKeys, cancellationToken);

            public Task<IReadOnlyList<string>> ReadPendingAsync(DateTimeOffset markedBefore, int limit, CancellationToken cancellationToken = default) =>
                inner.ReadPendingAsync(markedBefore, limit, cancellationToken);

            public Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default) =>
                inner.RemoveExpiredEntriesAsync(by, cancellationToken);
        }
    }
}
