using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains;

/// <summary>A state as <see cref="IStateShownOnDashboard"/> gives it: indented JSON, camelCase, enums by name.</summary>
internal static class DashboardStateJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task<string> Of<TState>(TState state) => Task.FromResult(JsonSerializer.Serialize(state, s_options));
}
