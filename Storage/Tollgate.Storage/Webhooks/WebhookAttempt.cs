namespace Tollgate.Storage.Webhooks;

/// <summary>
/// One attempt at a delivery: when, the receiver's HTTP status (none when no answer came), the error (a non-2xx
/// status or what failed), how long it took, and whether a person asked for it (a redelivery).
/// </summary>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, string? Error, long DurationMs, bool Manual)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
