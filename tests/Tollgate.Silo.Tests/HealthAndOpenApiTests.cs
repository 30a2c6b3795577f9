using System.Net;
using System.Text.Json;
using Npgsql;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

public sealed class HealthAndOpenApiTests
{
    public static TheoryData<StorageProviderKind> Providers => [StorageProviderKind.Sqlite, StorageProviderKind.PostgreSql];

    [Theory, MemberData(nameof(Providers))]
    public async Task The_silo_is_live_and_ready_on_every_provider(StorageProviderKind provider)
    {
        await using var silo = await RunningSilo.StartAsync(provider);

        var live = await silo.Client.GetAsync("/health/live");
        var ready = await silo.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        var check = Assert.Single(report.RootElement.GetProperty("checks").EnumerateArray());
        Assert.Equal("silo", check.GetProperty("name").GetString());
        Assert.Equal("Storage answers.", check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_fails_with_503_when_the_database_goes_away()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.PostgreSql);
        var silo = new SiloFactory(storage);
        using var client = silo.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var server = await PostgresServer.GetSharedAsync();
        var database = new NpgsqlConnectionStringBuilder(storage.ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("Storage does not answer.", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        // Without its membership table the silo cannot leave the cluster in order: its stop gives up.
        try { await silo.DisposeAsync(); }
        catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served()
    {
        await using var silo = await RunningSilo.StartAsync();

        var response = await silo.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString());
        Assert.True(document.RootElement.TryGetProperty("paths", out _));
    }

    [Fact]
    public async Task An_unknown_route_answers_with_a_problem_document()
    {
        await using var silo = await RunningSilo.StartAsync();

        var response = await silo.Client.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>A silo in the test host on fresh storage, with a client; disposes all three.</summary>
    private sealed class RunningSilo : IAsyncDisposable
    {
        private readonly StorageTarget _storage;
        private readonly SiloFactory _factory;

        private RunningSilo(StorageTarget storage)
        {
            _storage = storage;
            _factory = new SiloFactory(storage);
            Client = _factory.CreateClient();
        }

        public HttpClient Client { get; }

        public static async Task<RunningSilo> StartAsync(StorageProviderKind provider = StorageProviderKind.Sqlite) =>
            new(await StorageTarget.CreateAsync(provider));

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
            await _storage.DisposeAsync();
        }
    }
}
