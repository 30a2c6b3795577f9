using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// The OpenAPI document read as a contract: its operations by id, and what a real answer to one of them
/// must be (a status it lists, the headers it says are always there, a body of a media type it lists
/// that is valid against the schema it declares). Schemas are checked with JsonSchema.Net, with the
/// document's <c>#/components/schemas/...</c> references resolved as <c>$defs</c> of each checked schema.
/// </summary>
public sealed class OpenApiContract
{
    /// <summary>Headers Tollgate writes itself: an answer that carries one must have it declared for its status.</summary>
    private static readonly string[] ContractHeaders =
        ["X-Quota-Limit", "X-Quota-Remaining", "X-Quota-Reset", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate"];

    /// <summary>Headers the document names as security schemes rather than parameters.</summary>
    private static readonly HashSet<string> CredentialHeaders = new(["Authorization", "X-Api-Key", "Stripe-Signature"], StringComparer.OrdinalIgnoreCase);

    private const string ComponentSchemas = "#/components/schemas/";

    private readonly JsonObject _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public sealed record Operation(string Id, HttpMethod Method, string Path, JsonObject Element)
    {
        public bool Secured => Element["security"] is JsonArray { Count: > 0 } requirements
            && !requirements.Any(requirement => requirement!.AsObject().ContainsKey("stripeSignature"));

        public bool TakesJson => Element["requestBody"]?["content"]?["application/json"] is not null;

        public IEnumerable<string> Statuses => Element["responses"]!.AsObject().Select(response => response.Key);
    }

    public IReadOnlyDictionary<string, Operation> Operations { get; }

    public OpenApiContract(string documentJson)
    {
        var document = JsonNode.Parse(documentJson)!.AsObject();
        RewriteReferences(document);
        _definitions = document["components"]!["schemas"]!.AsObject();
        Operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(method => method.Key is "get" or "post" or "put" or "patch" or "delete")
                .Select(method => new Operation(method.Value!["operationId"]!.GetValue<string>(), new HttpMethod(method.Key.ToUpperInvariant()),
                    path.Key, method.Value.AsObject())))
            .ToDictionary(operation => operation.Id);
    }

    /// <summary>The headers and query parameters <paramref name="request"/> sends that the operation does not declare.</summary>
    public static IReadOnlyList<string> CheckRequest(Operation operation, ContractRequest request)
    {
        var parameters = operation.Element["parameters"] as JsonArray ?? [];
        bool Declared(string name, string location) => parameters.Any(parameter => parameter!["in"]!.GetValue<string>() == location
            && string.Equals(parameter["name"]!.GetValue<string>(), name, StringComparison.OrdinalIgnoreCase));
        var queryNames = (request.QueryString ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => Uri.UnescapeDataString(pair.Split('=')[0]));
        return request.Headers.Keys.Where(name => !CredentialHeaders.Contains(name) && !Declared(name, "header"))
            .Select(name => $"sends the header {name}, which the document does not declare")
            .Concat(queryNames.Where(name => !Declared(name, "query"))
                .Select(name => $"sends the query parameter {name}, which the document does not declare"))
            .ToList();
    }

    /// <summary>What is wrong with <paramref name="response"/> as an answer to <paramref name="operation"/>; empty when nothing is.</summary>
    public IReadOnlyList<string> Check(Operation operation, HttpResponseMessage response, string body)
    {
        var failures = new List<string>();
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Element["responses"]![status] is not JsonObject declared)
        {
            failures.Add($"answered {status}, which the document does not list (it lists {string.Join(", ", operation.Statuses)})");
            return failures;
        }

        var headers = declared["headers"] as JsonObject ?? [];
        foreach (var (name, header) in headers)
            if (header!["required"]?.GetValue<bool>() == true && !Has(response, name))
                failures.Add($"{status} lacks the header {name}, which the document says it always carries");
        foreach (var name in ContractHeaders.Where(name => Has(response, name)))
            if (!headers.Any(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{status} carries {name}, which the document does not declare for it");

        var content = declared["content"] as JsonObject ?? [];
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (body.Length == 0)
        {
            if (content.Count > 0) failures.Add($"{status} has no body, but the document declares {string.Join(", ", content.Select(c => c.Key))}");
            return failures;
        }
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            failures.Add($"{status} is {mediaType ?? "untyped"}, which the document does not declare (it declares "
                + $"{(content.Count == 0 ? "no body" : string.Join(", ", content.Select(c => c.Key)))})");
            return failures;
        }
        if (media["schema"] is not JsonObject schema) return failures;
        JsonElement instance;
        try
        {
            instance = mediaType.EndsWith("json", StringComparison.Ordinal)
                ? JsonDocument.Parse(body).RootElement.Clone()
                : JsonSerializer.SerializeToElement(body); // text/csv is a string
        }
        catch (JsonException exception)
        {
            failures.Add($"{status} {mediaType} body is not JSON: {exception.Message}");
            return failures;
        }
        var results = Schema($"{operation.Id} {status} {mediaType}", schema).Evaluate(instance, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (!results.IsValid)
            failures.AddRange((results.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
                .Select(detail => $"{status} body at '{detail.InstanceLocation}' breaks {detail.EvaluationPath}: {string.Join("; ", detail.Errors!.Values)}")
                .DefaultIfEmpty($"{status} body is not valid against its schema"));
        return failures;
    }

    private JsonSchema Schema(string key, JsonObject schema) => _schemas.GetOrAdd(key, _ =>
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = _definitions.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.Build(JsonSerializer.SerializeToElement(root), options, new Uri($"https://tollgate.test/contract/{Guid.NewGuid():N}"));
    });

    public static bool Has(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name);

    /// <summary>Points every <c>#/components/schemas/X</c> reference at <c>#/$defs/X</c>.</summary>
    private static void RewriteReferences(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is var target
                    && target.StartsWith(ComponentSchemas, StringComparison.Ordinal))
                    obj["$ref"] = "#/$defs/" + target[ComponentSchemas.Length..];
                foreach (var (_, child) in obj.ToList()) RewriteReferences(child);
                break;
            case JsonArray array:
                foreach (var child in array) RewriteReferences(child);
                break;
        }
    }
}
