using System.Text.Json;

namespace Tollgate.Runtime.Core;

/// <summary>Turns grain state into the JSON payload stored in the grain_state table.</summary>
public sealed class GrainStateSerializer(JsonSerializerOptions? options = null)
{
    private readonly JsonSerializerOptions _options = options ?? new(JsonSerializerDefaults.Web);

    public string Serialize<T>(T state) => JsonSerializer.Serialize(state, _options);

    public T Deserialize<T>(string payload) =>
        JsonSerializer.Deserialize<T>(payload, _options) ?? throw new JsonException($"Stored state for {typeof(T)} is null.");
}
