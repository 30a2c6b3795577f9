using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tollgate.Client;

namespace Tollgate.Sdk.Tests;

/// <summary>
/// The client against the OpenAPI document of the silo the suite started: every operation it calls exists with that method
/// and path template, every field it sends is in the operation's request schema, and every field it reads is in the
/// answer's schema. A route or field that changes without the client fails here.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class OpenApiContractTests(Harness harness)
{
    [Fact]
    public async Task Every_operation_the_client_calls_and_every_field_it_sends_and_reads_is_in_tollgates_openapi_document()
    {
        using var document = await OpenApiAsync();

        var mismatches = TollgateOperations.All.SelectMany(operation => Mismatches(document.RootElement, operation)).ToList();

        Assert.Empty(mismatches);
        Assert.Equal(11, TollgateOperations.All.Count);
    }

    [Fact]
    public async Task The_check_finds_a_missing_route_a_request_field_and_an_answer_field_tollgate_does_not_have()
    {
        using var document = await OpenApiAsync();

        var mismatches = new[]
        {
            new TollgateOperation("POST", "/v1/quota/spend", typeof(QuotaRequest), typeof(QuotaConsumeResponse)),
            new TollgateOperation("GET", "/v1/quota/consume", null, typeof(QuotaConsumeResponse)),
            new TollgateOperation("POST", "/v1/quota/consume", typeof(Drifted), typeof(QuotaConsumeResponse)),
            new TollgateOperation("POST", "/v1/quota/consume", typeof(QuotaRequest), typeof(Drifted)),
        }.SelectMany(operation => Mismatches(document.RootElement, operation)).ToList();

        Assert.Equal(
            [
                "POST /v1/quota/spend: no such operation", "GET /v1/quota/consume: no such operation",
                "POST /v1/quota/consume: the request has no field 'units'",
                "POST /v1/quota/consume: the answer has no field 'quotaType'", "POST /v1/quota/consume: the answer has no field 'units'",
            ],
            mismatches);
    }

    private sealed record Drifted(string QuotaType, long Units);

    private async Task<JsonDocument> OpenApiAsync()
    {
        using var http = new HttpClient { BaseAddress = harness.BaseUrl };
        return JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
    }

    private static IEnumerable<string> Mismatches(JsonElement document, TollgateOperation operation)
    {
        var where = $"{operation.Method} {operation.PathTemplate}";
        if (!document.GetProperty("paths").TryGetProperty(operation.PathTemplate, out var path)
            || !path.TryGetProperty(operation.Method.ToLowerInvariant(), out var found))
            return [$"{where}: no such operation"];
        var mismatches = new List<string>();
        if (operation.Request is { } request)
        {
            var schema = found.TryGetProperty("requestBody", out var body) ? JsonSchema(document, body) : null;
            Compare(document, request, schema, $"{where}: the request", mismatches);
        }
        var answers = found.GetProperty("responses");
        var success = answers.TryGetProperty("200", out var ok) ? ok : answers.TryGetProperty("201", out var created) ? created : default;
        Compare(document, operation.Response, success.ValueKind == JsonValueKind.Object ? JsonSchema(document, success) : null,
            $"{where}: the answer", mismatches);
        return mismatches;
    }

    /// <summary>Each JSON field of <paramref name="type"/> (and of the records it lists) must be a property of the schema.</summary>
    private static void Compare(JsonElement document, Type type, JsonElement? schema, string where, List<string> mismatches)
    {
        if (ListItem(type) is { } item)
        {
            Compare(document, item, schema is { } array && array.TryGetProperty("items", out var items) ? Resolve(document, items) : null,
                where, mismatches);
            return;
        }
        var properties = schema is { } s && s.TryGetProperty("properties", out var p) ? p : (JsonElement?)null;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (properties is not { } known || !known.TryGetProperty(name, out var field))
            {
                mismatches.Add($"{where} has no field '{name}'");
                continue;
            }
            if (ListItem(property.PropertyType) is { } listed && listed.Namespace == typeof(TollgateClient).Namespace)
                Compare(document, property.PropertyType, Resolve(document, field), $"{where} {name}", mismatches);
        }
    }

    private static Type? ListItem(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    private static JsonElement? JsonSchema(JsonElement document, JsonElement bodyOrResponse) =>
        bodyOrResponse.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
            && json.TryGetProperty("schema", out var schema)
            ? Resolve(document, schema)
            : null;

    /// <summary>Follows <c>$ref</c>s, and picks the non-null branch of a nullable <c>oneOf</c>/<c>anyOf</c>.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = document;
            foreach (var segment in reference.GetString()!.TrimStart('#', '/').Split('/')) target = target.GetProperty(segment);
            return Resolve(document, target);
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (schema.TryGetProperty(combinator, out var branches))
                foreach (var branch in branches.EnumerateArray())
                    if (!IsNull(branch)) return Resolve(document, branch);
        return schema;
    }

    private static bool IsNull(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
}
