using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>Two silos on one PostgreSQL database, each with its outbox sender: every email goes out once.</summary>
public sealed class TwoSiloEmailTests : ApiTestBase
{
    protected override StorageProviderKind Provider => StorageProviderKind.PostgreSql;

    [Fact]
    public async Task Both_silos_send_and_no_email_goes_twice()
    {
        var second = await StartAsync();
        ApiFactory[] silos = [Api, second];

        var accounts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => silos[i % 2].RegisterAsync($"user{i}@example.com")));
        foreach (var account in accounts) await Mailbox.WaitForAsync(account.Email);
        await EventuallyAsync(async () => await SentAsync() == 20, "not every email was marked sent");

        foreach (var account in accounts) Assert.Single(await Mailbox.WaitForAsync(account.Email));
        Assert.Equal(20, Mailbox.Received.Count);
        var token = TestMailboxToken(accounts[0].Email);
        Assert.Equal(HttpStatusCode.NoContent, (await second.Anonymous().PostAsJsonAsync("/v1/auth/verify-email", new { token })).StatusCode);
    }

    private string TestMailboxToken(string email) =>
        Testing.TestMailbox.TokenIn(Mailbox.Received.Single(m => m.To.Mailboxes.Any(a => a.Address == email)));

    private async Task<long> SentAsync()
    {
        await using var connection = new NpgsqlConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM email_outbox WHERE outcome = 'sent'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
