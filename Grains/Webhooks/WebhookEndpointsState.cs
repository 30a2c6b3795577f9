namespace Tollgate.Grains.Webhooks;

public sealed class WebhookEndpointsState
{
    public Dictionary<string, StoredWebhookEndpoint> Endpoints { get; set; } = [];
}

/// <summary>
/// An endpoint as its tenant's grain keeps it: the secret only encrypted (Data Protection, <see cref="WebhookSecrets.Purpose"/>).
/// </summary>
public sealed class StoredWebhookEndpoint
{
    public string Id { get; set; } = "";
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];
    public string? Description { get; set; }
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string ProtectedSecret { get; set; } = "";

    public WebhookEndpointInfo Info() =>
        new(Id, Url, EventTypes, Description, Enabled, DisabledReason, FailingSince, CreatedAt, UpdatedAt);

    public WebhookTarget Target() => new(Id, Url, EventTypes, Enabled, ProtectedSecret, CreatedAt);
}
