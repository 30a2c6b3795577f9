namespace Tollgate.Storage;

/// <summary>
/// A keyed value kept beside a grain's state in a row of its own (an idempotency key's first
/// answer, say), for maps too large to hold in memory or to rewrite with every write. A null payload
/// removes the entry. <paramref name="ExpiresAt"/> is when the silo's sweep may take it away.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StateEntry")]
public sealed record StateEntry(string Key, string? Payload, DateTimeOffset ExpiresAt = default);
