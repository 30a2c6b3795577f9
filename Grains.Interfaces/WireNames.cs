using System.Text.Json;

namespace Tollgate.Grains;

/// <summary>Enum values as the API and the audit log write them: snake_case, as the contract names them (past_due, action_required).</summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
