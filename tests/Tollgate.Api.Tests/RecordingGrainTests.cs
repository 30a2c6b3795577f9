using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Journal;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>
/// A grain whose changes carry records (here a tenant) commits them with its state on the group-commit
/// storage: a write that lost its etag race stores none, and a state an earlier version left on Orleans'
/// storage, with records a crash kept from the journal, is the grain's state after the upgrade.
/// </summary>
public abstract class RecordingGrainTests : ApiTestBase
{
    [Fact]
    public async Task A_change_whose_write_lost_its_etag_race_stores_none_of_its_records()
    {
        var owner = await Api.RegisterAsync("race@example.com");
        var client = Api.As(owner.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/tenants/{owner.TenantId}")).StatusCode); // the grain is active

        // Another activation of the tenant wrote since this one read its state.
        Assert.Equal(1, await ExecuteAsync("UPDATE grain_state SET etag = etag + 1 WHERE grain_id = @p1", $"tenant/{owner.TenantId}"));
        var lost = await client.PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}", new { name = "Lost" });
        Assert.False(lost.IsSuccessStatusCode);

        var operatorClient = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.DoesNotContain("tenant.updated", await AuditActionsAsync(operatorClient, owner.TenantId));
        // The losing activation went; the next reads what is stored, and its change commits with its record.
        Assert.NotEqual("Lost", (await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}"))).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}", new { name = "Won" })).StatusCode);
        Assert.Single(await AuditActionsAsync(operatorClient, owner.TenantId), action => action == "tenant.updated");
    }

    [Fact]
    public async Task A_tenant_an_earlier_version_stored_on_Orleans_storage_is_read_after_the_upgrade_with_its_uncopied_record()
    {
        var owner = await Api.RegisterAsync("legacy@example.com");
        var grainId = GrainId.Create("tenant", owner.TenantId);

        // As an earlier version stored the tenant on Orleans' storage after committing a rename whose record it never copied.
        var payload = (await QueryAsync("SELECT payload FROM grain_state WHERE grain_id = @p1", grainId.ToString())).Single();
        var stored = JsonNode.Parse((string)payload!)!;
        var sequence = stored["outbox"]!["lastSequence"]!.GetValue<long>() + 1;
        var renamed = AuditJournal.Record(new AuditActor("user", owner.UserId, null, null), DateTimeOffset.UtcNow, owner.TenantId,
            "tenant.updated", "tenant", owner.TenantId);
        stored["data"]!["name"] = "Named before the upgrade";
        stored["outbox"]!["lastSequence"] = sequence;
        var records = new[] { new SequencedRecord(sequence, renamed) };
        stored["outbox"]!["records"] = JsonSerializer.SerializeToNode(records, JsonSerializerOptions.Web);
        var legacy = new GrainState<JsonObject>(stored.AsObject());
        await Api.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default).WriteStateAsync("tenant", grainId, legacy);
        await Api.DisposeAsync();
        Assert.Equal(1, await ExecuteAsync("DELETE FROM grain_state WHERE grain_id = @p1", grainId.ToString()));

        var upgraded = await StartAsync();
        var tenant = await Json(await upgraded.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}"));
        Assert.Equal("Named before the upgrade", tenant.GetProperty("name").GetString());
        var operatorClient = upgraded.As((await upgraded.LoginOperatorAsync()).AccessToken);
        Assert.Single(await AuditActionsAsync(operatorClient, owner.TenantId), action => action == "tenant.updated");
        // The grain's next records number on after the moved ones.
        var renameAgain = await upgraded.As(owner.AccessToken).PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}", new { name = "After" });
        Assert.Equal(HttpStatusCode.OK, renameAgain.StatusCode);
        Assert.Equal(2, (await AuditActionsAsync(operatorClient, owner.TenantId)).Count(action => action == "tenant.updated"));
    }

    private async Task<int> ExecuteAsync(string sql, params object[] arguments)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, arguments);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<List<object?>> QueryAsync(string sql, params object[] arguments)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, arguments);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<object?>();
        while (await reader.ReadAsync()) values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        return values;
    }

    private async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Provider == StorageProviderKind.Sqlite
            ? new SqliteConnection(Storage.ConnectionString) : new NpgsqlConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, object[] arguments)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = command.CreateParameter();
            (parameter.ParameterName, parameter.Value) = ($"@p{i + 1}", arguments[i]);
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

public sealed class SqliteRecordingGrainTests : RecordingGrainTests
{
    protected override StorageProviderKind Provider => StorageProviderKind.Sqlite;
}

public sealed class PostgreSqlRecordingGrainTests : RecordingGrainTests
{
    protected override StorageProviderKind Provider => StorageProviderKind.PostgreSql;
}
