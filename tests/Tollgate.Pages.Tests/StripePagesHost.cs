using Tollgate.Testing;

namespace Tollgate.Pages.Tests;

/// <summary>A silo whose Stripe is the fake one, so a signed webhook can make a tenant pay.</summary>
public sealed class StripePagesHost : PagesHost
{
    public const string WebhookSecret = "whsec_pages_test";

    public FakeStripe Stripe { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = "sk_test_pages",
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = Stripe.BaseAddress.AbsoluteUri,
    };

    protected override async Task StartFakesAsync() => Stripe = await FakeStripe.StartAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
