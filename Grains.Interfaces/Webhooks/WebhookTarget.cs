namespace Tollgate.Grains.Webhooks;

/// <summary>An endpoint as the dispatcher sees it: where to send which events, and its secret encrypted with Data Protection.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.WebhookTarget")]
public sealed record WebhookTarget(string Id, string Url, IReadOnlyList<string> EventTypes, bool Enabled, string ProtectedSecret)
{
    /// <summary>Whether the endpoint takes events of this type now.</summary>
    public bool Takes(string eventType) => Enabled && (EventTypes.Contains(WebhookSecrets.AllEvents) || EventTypes.Contains(eventType));
}
