using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>The OpenAPI document a client generator or a reader gets from a running silo.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Redocly_finds_no_errors_with_its_recommended_rules()
    {
        var json = await DocumentAsync();

        var problems = await Redocly.LintAsync(json);

        var errors = problems.Where(problem => problem.Severity == "error").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.RuleId} at {e.Pointer}: {e.Message}")));
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_its_security_and_its_client_errors()
    {
        using var document = JsonDocument.Parse(await DocumentAsync());

        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()), name);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), name);
            Assert.True(operation.TryGetProperty("security", out _), $"{name} does not say how it authenticates");
        }
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());

        string[] Schemes(string name) => operations.Single(o => o.Name == name).Operation.GetProperty("security").EnumerateArray()
            .SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name)).ToArray();
        Assert.Equal(["bearer", "apiKey"], Schemes("post /v1/quota/consume"));
        Assert.Equal(["bearer"], Schemes("get /v1/me"));
        Assert.Equal(["bearer"], Schemes("get /v1/admin/tenants"));
        Assert.Equal(["stripeSignature"], Schemes("post /v1/webhooks/stripe"));
        Assert.Empty(Schemes("post /v1/auth/login"));

        var consume = operations.Single(o => o.Name == "post /v1/quota/consume").Operation.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "402", "403" }) Assert.True(consume.TryGetProperty(status, out _), $"consume lacks {status}");
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Only_fields_a_client_must_send_are_required_and_numbers_are_numbers()
    {
        using var document = JsonDocument.Parse(await DocumentAsync());
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        var request = schemas.GetProperty("QuotaRequest");
        Assert.Equal(["amount", "quotaType"], request.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order().ToArray());
        Assert.Equal("integer", request.GetProperty("properties").GetProperty("amount").GetProperty("type").GetString());
        var answer = schemas.GetProperty("QuotaAnswer").GetProperty("properties");
        foreach (var number in new[] { "limit", "used", "remaining" })
            Assert.Equal("integer", answer.GetProperty(number).GetProperty("type").GetString());
        var register = schemas.GetProperty("RegisterRequest");
        Assert.DoesNotContain("tenantName", register.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_server_is_configured_never_the_requests_Host_header()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = new SiloFactory(storage);
        using (var client = silo.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json") { Headers = { Host = "attacker.example" } };
            using var document = JsonDocument.Parse(await (await client.SendAsync(request)).Content.ReadAsStringAsync());
            Assert.Equal("/", Assert.Single(document.RootElement.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
        }
    }

    [Fact]
    public async Task A_configured_server_url_is_the_documents_server()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = new SiloFactory(storage);
        await using var configured = silo.WithWebHostBuilder(builder => builder.UseSetting("OpenApi:ServerUrl", "https://billing.example.com/"));
        using var client = configured.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var server = Assert.Single(document.RootElement.GetProperty("servers").EnumerateArray());
        Assert.Equal("https://billing.example.com", server.GetProperty("url").GetString());
    }

    private static async Task<string> DocumentAsync()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = new SiloFactory(storage);
        using var client = silo.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonDocument document) =>
        document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(method => method.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(method => ($"{method.Name} {path.Name}", method.Value)));
}
