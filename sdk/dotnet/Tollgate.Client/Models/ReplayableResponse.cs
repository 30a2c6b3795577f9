using System.Text.Json.Serialization;

namespace Tollgate.Client;

/// <summary>The answer to a mutating call, which Tollgate may replay for a repeated <c>Idempotency-Key</c>.</summary>
public abstract record ReplayableResponse
{
    /// <summary>
    /// True when Tollgate answered <c>Idempotent-Replayed: true</c>: the call was done before under the same key (a retry
    /// after a lost answer, for instance) and this is that first call's answer; nothing was deducted twice.
    /// </summary>
    [JsonIgnore]
    public bool Replayed { get; init; }
}
