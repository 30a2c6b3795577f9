using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Tollgate.Runtime.Storage;

namespace Tollgate.Api.Tests;

/// <summary>On the embedded SQLite store: what survives a restart, and what is never stored.</summary>
public sealed class RestartTests : ApiTestBase
{
    protected override StorageProviderKind Provider => StorageProviderKind.Sqlite;

    [Fact]
    public async Task Accounts_and_tokens_survive_a_silo_restart()
    {
        var alice = await Api.RegisterAsync("alice@example.com", password: "alice-password");
        await Api.DisposeAsync();

        var restarted = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await restarted.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = alice.Email, password = alice.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await restarted.As(alice.AccessToken).GetAsync("/v1/me")).StatusCode); // the signing key was kept
        Assert.Equal(HttpStatusCode.OK, (await restarted.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = alice.RefreshToken })).StatusCode);
        await AssertProblem(await restarted.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = alice.Email, password = "another-pass" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Passwords_refresh_tokens_and_API_keys_are_not_stored_in_the_clear()
    {
        var alice = await Api.RegisterAsync("alice@example.com", password: "plain-text-password");
        var key = await Api.IssueApiKeyAsync(alice, "quota:read");
        await Api.DisposeAsync(); // everything committed and checkpointed into the database file

        var stored = new StringBuilder();
        await using (var connection = new SqliteConnection(Storage.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var table in new[] { "grain_state", "journal" })
            {
                await using var command = new SqliteCommand($"SELECT * FROM {table}", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    for (var i = 0; i < reader.FieldCount; i++) stored.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i)).Append('|');
            }
        }
        var text = stored.ToString();

        Assert.Contains("alice@example.com", text); // the scan does see the data
        Assert.DoesNotContain("plain-text-password", text);
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain(key[10..], text);
        Assert.DoesNotContain(alice.RefreshToken.Split('.')[1], text);
    }
}
