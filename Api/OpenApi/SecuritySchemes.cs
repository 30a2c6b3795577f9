namespace Tollgate.Api.OpenApi;

/// <summary>The ways a caller proves who it is, as named in the OpenAPI document.</summary>
public static class SecuritySchemes
{
    /// <summary>A person's access token: <c>Authorization: Bearer ...</c>.</summary>
    public const string Bearer = "bearer";

    /// <summary>An app's API key: <c>X-Api-Key: tg_...</c>.</summary>
    public const string ApiKey = "apiKey";

    /// <summary>Stripe's signature on a webhook delivery: <c>Stripe-Signature</c>.</summary>
    public const string StripeSignature = "stripeSignature";

    /// <summary>Endpoint metadata: the endpoint takes no Tollgate credentials and checks Stripe's signature instead.</summary>
    public sealed record SignedByStripe;
}
