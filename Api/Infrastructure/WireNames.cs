using System.Text.Json;

namespace Tollgate.Api.Infrastructure;

/// <summary>Enum values as the API writes them in responses: snake_case, as the contract names them (past_due, action_required).</summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
