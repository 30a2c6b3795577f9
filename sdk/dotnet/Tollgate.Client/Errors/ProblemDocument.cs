using System.Text.Json;

namespace Tollgate.Client;

/// <summary>
/// An RFC 9457 problem document as Tollgate answered it: <see cref="Code"/> is the stable name to switch on;
/// <see cref="Extensions"/> holds every other member (a quota's numbers, validation <c>errors</c>, ...);
/// <see cref="Json"/> is the document exactly as it came.
/// </summary>
public sealed record ProblemDocument(
    int Status, string? Code, string? Title, string? Detail, string? Type, IReadOnlyDictionary<string, JsonElement> Extensions, string Json)
{
    private static readonly HashSet<string> s_members = ["status", "code", "title", "detail", "type"];

    /// <summary>Reads a problem document; a body that is not one (a proxy's HTML page, say) keeps its text as the detail.</summary>
    public static ProblemDocument Parse(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                var extensions = root.EnumerateObject().Where(member => !s_members.Contains(member.Name))
                    .ToDictionary(member => member.Name, member => member.Value.Clone());
                return new ProblemDocument(status, Text(root, "code"), Text(root, "title"), Text(root, "detail"), Text(root, "type"),
                    extensions, body);
            }
        }
        catch (JsonException)
        {
        }
        var detail = body.Length > 500 ? body[..500] : body;
        return new ProblemDocument(status, null, null, detail, null, new Dictionary<string, JsonElement>(), body);
    }

    /// <summary>A whole-number extension member, or null when it is missing or not a number.</summary>
    public long? Number(string name) =>
        Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>An instant extension member (ISO 8601), or null.</summary>
    public DateTimeOffset? Instant(string name) =>
        Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? at
            : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
