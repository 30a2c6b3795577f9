namespace Tollgate.Storage.Webhooks;

/// <summary>A delivery's status as stored and shown.</summary>
public static class WebhookDeliveryStatus
{
    /// <summary>Not delivered yet; due at its next attempt.</summary>
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    /// <summary>Its attempts failed for the whole retry period; only a redelivery tries again.</summary>
    public const string Failed = "failed";
    /// <summary>Its endpoint was disabled or deleted before it was delivered.</summary>
    public const string Canceled = "canceled";
}
