namespace Tollgate.Grains.Webhooks;

/// <summary>How endpoints' signing secrets are made and kept: the grain encrypts, the dispatcher decrypts, with this purpose.</summary>
public static class WebhookSecrets
{
    public const string Purpose = "Tollgate.Webhooks.EndpointSecret";

    /// <summary>The event type an endpoint names to take every type.</summary>
    public const string AllEvents = "*";

    /// <summary>A new secret: <c>whsec_</c> and 256 random bits.</summary>
    public static string New() => "whsec_" + Identity.Secrets.RandomToken(32);
}
