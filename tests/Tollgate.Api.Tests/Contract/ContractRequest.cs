using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// One request to an operation of the document: its credentials, path parameters, query, headers and
/// body. The method and path come from the document, by the case's operation id.
/// </summary>
public sealed record ContractRequest
{
    public string? AccessToken { get; init; }
    public string? ApiKey { get; init; }
    public IReadOnlyDictionary<string, string> PathValues { get; init; } = new Dictionary<string, string>();
    public string? QueryString { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? Body { get; init; }
    public string BodyType { get; init; } = "application/json";

    public static ContractRequest Anonymous => new();

    public static ContractRequest Bearer(string accessToken) => new() { AccessToken = accessToken };

    public static ContractRequest WithApiKey(string key) => new() { ApiKey = key };

    /// <summary>The path parameters, from an object's properties: <c>At(new { tenantId, keyId })</c>.</summary>
    public ContractRequest At(object values) => this with
    {
        PathValues = values.GetType().GetProperties()
            .ToDictionary(p => p.Name, p => Convert.ToString(p.GetValue(values), System.Globalization.CultureInfo.InvariantCulture)!),
    };

    public ContractRequest Query(string query) => this with { QueryString = query };

    public ContractRequest Header(string name, string value) => this with { Headers = new Dictionary<string, string>(Headers) { [name] = value } };

    /// <summary>A JSON body, serialized as the web does (camelCase).</summary>
    public ContractRequest Json(object body) => this with { Body = JsonSerializer.Serialize(body, JsonSerializerOptions.Web), BodyType = "application/json" };

    /// <summary>A body sent as it is, for bodies that are wrong on purpose.</summary>
    public ContractRequest Raw(string body, string mediaType) => this with { Body = body, BodyType = mediaType };

    public HttpRequestMessage ToMessage(OpenApiContract.Operation operation)
    {
        var path = operation.Path;
        foreach (var (name, value) in PathValues) path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        if (path.Contains('{')) throw new InvalidOperationException($"{operation.Id}: the case gives no value for a parameter of {operation.Path}.");
        var message = new HttpRequestMessage(operation.Method, QueryString is null ? path : $"{path}?{QueryString}");
        if (AccessToken is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        if (ApiKey is not null) message.Headers.Add("X-Api-Key", ApiKey);
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(BodyType);
        }
        return message;
    }
}
