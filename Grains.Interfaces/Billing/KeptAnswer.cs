namespace Tollgate.Grains.Billing;

/// <param name="Fingerprint">What the request was: a request under the same key that differs from it is refused.</param>
/// <param name="Answer">The answer's body, as JSON.</param>
[GenerateSerializer, Immutable, Alias("tollgate.KeptAnswer")]
public sealed record KeptAnswer(string Fingerprint, string Answer, DateTimeOffset At);
