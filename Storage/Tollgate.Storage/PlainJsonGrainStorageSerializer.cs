using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Tollgate.Storage;

/// <summary>
/// Grain state as plain JSON, with no assembly-qualified type names in it: renaming or moving a
/// state class leaves its stored rows readable. Enums are written by name. Named apart from
/// Orleans.Storage.JsonGrainStorageSerializer so code using both namespaces compiles.
/// </summary>
public sealed class PlainJsonGrainStorageSerializer : IGrainStorageSerializer
{
    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)!;
}
