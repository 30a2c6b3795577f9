namespace Tollgate.Grains.Webhooks;

/// <summary>An endpoint as the dispatcher sees it: where to send which events, and its secret encrypted with Data Protection.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.WebhookTarget")]
public sealed record WebhookTarget(
    string Id, string Url, IReadOnlyList<string> EventTypes, bool Enabled, string ProtectedSecret, DateTimeOffset CreatedAt)
{
    /// <summary>Whether the endpoint takes an event of this type that happened at <paramref name="at"/>: none from before it
    /// existed.</summary>
    public bool Takes(string eventType, DateTimeOffset at) =>
        Enabled && at >= CreatedAt && (EventTypes.Contains(WebhookSecrets.AllEvents) || EventTypes.Contains(eventType));
}
