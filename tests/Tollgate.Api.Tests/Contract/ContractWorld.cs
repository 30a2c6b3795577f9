using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// A silo with something of everything for the contract cases to point at: the catalog an operator sets
/// up, a tenant with its owner, a member, an API key, an outsider with a tenant of their own, and a fake
/// Stripe; plus ways to make fresh things a case may use up (accounts, keys, invitations, consumes).
/// </summary>
public sealed class ContractWorld : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_contract";
    public const string Quota = CatalogFixture.Messages;

    private int _sequence;
    private StorageTarget _storage = null!;

    public ApiFactory Api { get; private set; } = null!;
    /// <summary>The SMTP server the silo sends its emails to, for the cases that follow a link.</summary>
    public TestMailbox Mailbox { get; } = new();
    public FakeStripe Stripe { get; private set; } = null!;
    public FakeAlipay Alipay { get; private set; } = null!;
    public FakeWeChatPay WeChat { get; private set; } = null!;
    public OpenApiContract Contract { get; private set; } = null!;
    public Account Operator { get; private set; } = null!;
    public Account Owner { get; private set; } = null!;
    public Account Member { get; private set; } = null!;
    public Account Outsider { get; private set; } = null!;
    /// <summary>An API key of the owner's tenant with quota:consume and quota:read.</summary>
    public string ApiKey { get; private set; } = null!;
    /// <summary>An API key of the owner's tenant that may only read quota.</summary>
    public string ReadOnlyApiKey { get; private set; } = null!;
    /// <summary>An API key of the owner's tenant with credits:consume and credits:read; the tenant has a million credits.</summary>
    public string CreditsApiKey { get; private set; } = null!;
    /// <summary>A platform key with every scope, acting for the tenant each request names.</summary>
    public string PlatformApiKey { get; private set; } = null!;
    public const string Tool = "chat/image";

    public string TenantId => Owner.TenantId;

    public async Task InitializeAsync()
    {
        _storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        Stripe = await FakeStripe.StartAsync();
        Alipay = await FakeAlipay.StartAsync();
        WeChat = await FakeWeChatPay.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_contract",
            ["Stripe:WebhookSecret"] = WebhookSecret,
            ["Stripe:ApiBase"] = Stripe.BaseAddress.AbsoluteUri,
            ["Webhooks:AllowLoopbackHttp"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Payments:PublicBaseUrl"] = "http://tollgate.test/",
        };
        foreach (var (key, value) in Alipay.Configuration.Concat(WeChat.Configuration)) settings[key] = value;
        Api = new ApiFactory(_storage, Mailbox, settings: settings);
        var ops = await CatalogFixture.CreateAsync(Api);
        await Ok(await ops.PostAsJsonAsync("/v1/admin/credit-packs",
            new { id = "cn-pack", name = "1000 credits", credits = 1_000, priceMinor = 990, currency = "cny" }));
        Operator = await Api.LoginOperatorAsync();
        Owner = await Api.RegisterAsync("owner@contract.test");
        await Api.VerifyEmailAsync(Owner);
        Member = await Api.RegisterAsync("member@contract.test");
        await Api.AddMemberAsync(Owner, TenantId, Member, "member");
        Outsider = await Api.RegisterAsync("outsider@contract.test");
        await Api.VerifyEmailAsync(Outsider);
        ApiKey = await Api.IssueApiKeyAsync(Owner, "quota:consume", "quota:read");
        ReadOnlyApiKey = await Api.IssueApiKeyAsync(Owner, "quota:read");
        await CreditsAsync();
        PlatformApiKey = (await NewPlatformApiKeyAsync()).GetProperty("key").GetString()!;
        Contract = new OpenApiContract(await Api.Anonymous().GetStringAsync("/openapi/v1.json"));
    }

    public ContractRequest AsOwner => ContractRequest.Bearer(Owner.AccessToken);
    public ContractRequest AsMember => ContractRequest.Bearer(Member.AccessToken);
    public ContractRequest AsOutsider => ContractRequest.Bearer(Outsider.AccessToken);
    public ContractRequest AsOperator => ContractRequest.Bearer(Operator.AccessToken);
    public ContractRequest AsApp => ContractRequest.WithApiKey(ApiKey);
    public ContractRequest AsCreditsApp => ContractRequest.WithApiKey(CreditsApiKey);
    public ContractRequest AsPlatformApp => ContractRequest.WithApiKey(PlatformApiKey);
    public ContractRequest AsOwnerOfTenant => AsOwner.At(new { tenantId = TenantId });

    /// <summary>A name no other call of this run has used.</summary>
    public string Fresh(string prefix) => $"{prefix}{Interlocked.Increment(ref _sequence)}";

    public string FreshEmail() => $"{Fresh("person")}@contract.test";

    public Task<Account> NewAccountAsync() => Api.RegisterAsync(FreshEmail());

    /// <summary>A new account that followed its verification link, so invitations reach it.</summary>
    public async Task<Account> NewVerifiedAccountAsync()
    {
        var account = await NewAccountAsync();
        await Api.VerifyEmailAsync(account);
        return account;
    }

    /// <summary>The token of the latest email to <paramref name="account"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<string> LinkTokenAsync(Account account, string subject, int count = 1)
    {
        var sent = await Mailbox.WaitForAsync(account.Email, count);
        return TestMailbox.TokenIn(sent.Last(m => (m.Subject ?? "").Contains(subject, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>A new login of the owner: its refresh token is the case's to use up.</summary>
    public async Task<string> NewRefreshTokenAsync()
    {
        var response = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = Owner.Email, password = Owner.Password });
        return (await Ok(response)).GetProperty("refreshToken").GetString()!;
    }

    public async Task<string> NewApiKeyIdAsync()
    {
        var response = await Api.As(Owner.AccessToken)
            .PostAsJsonAsync($"/v1/tenants/{TenantId}/api-keys", new { name = Fresh("key"), scopes = new[] { "quota:read" } });
        return (await Ok(response)).GetProperty("id").GetString()!;
    }

    public async Task<string> NewPlatformApiKeyIdAsync() => (await NewPlatformApiKeyAsync()).GetProperty("id").GetString()!;

    private async Task<JsonElement> NewPlatformApiKeyAsync() =>
        await Ok(await Api.As(Operator.AccessToken).PostAsJsonAsync("/v1/admin/api-keys",
            new { name = Fresh("platform-"), scopes = new[] { "quota:consume", "quota:read", "credits:consume", "credits:read" } }));

    private Task<string>? _webhookEndpointId;

    /// <summary>One endpoint of the owner's tenant that the cases read, change and rotate (a tenant may have 16).</summary>
    public Task<string> WebhookEndpointIdAsync() => _webhookEndpointId ??= NewWebhookEndpointIdAsync();

    public async Task<string> NewWebhookEndpointIdAsync() =>
        (await Ok(await Api.As(Owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{TenantId}/webhook-endpoints",
            new { url = "https://hooks.example.com/tollgate", eventTypes = new[] { "*" } }))).GetProperty("id").GetString()!;

    /// <summary>
    /// A delivery to redeliver: a new tenant's endpoint (the fake Stripe, which answers whatever it answers) gets the event of
    /// its plan change. Returns the tenant's owner and the delivery's endpoint and id.
    /// </summary>
    public async Task<(Account Owner, string EndpointId, string DeliveryId)> NewWebhookDeliveryAsync()
    {
        var account = await NewAccountAsync();
        var client = Api.As(account.AccessToken);
        var endpointId = (await Ok(await client.PostAsJsonAsync($"/v1/tenants/{account.TenantId}/webhook-endpoints",
            new { url = new Uri(Stripe.BaseAddress, "hook").AbsoluteUri, eventTypes = new[] { "*" } }))).GetProperty("id").GetString()!;
        await Ok(await client.PostAsJsonAsync($"/v1/tenants/{account.TenantId}/subscription", new { planId = "plus" }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await Ok(await client.GetAsync($"/v1/tenants/{account.TenantId}/webhook-endpoints/{endpointId}/deliveries"));
            var attempted = page.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("attempts").GetInt32() > 0).ToList();
            if (attempted is [var d, ..])
                return (account, endpointId, d.GetProperty("id").GetString()!);
            Assert.True(DateTime.UtcNow < deadline, "the plan change was not delivered to the endpoint");
            await Task.Delay(50);
        }
    }

    /// <summary>Invites <paramref name="email"/> into the owner's tenant and returns the invitation's id.</summary>
    public async Task<string> InviteAsync(string email, string role = "member")
    {
        var response = await Api.As(Owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{TenantId}/invitations", new { email, role });
        return (await Ok(response)).GetProperty("id").GetString()!;
    }

    /// <summary>A new member of the owner's tenant, to be removed.</summary>
    public async Task<Account> NewMemberAsync()
    {
        var account = await NewAccountAsync();
        await Api.AddMemberAsync(Owner, TenantId, account, "member");
        return account;
    }

    /// <summary>Consumes <paramref name="amount"/> of <see cref="Quota"/> with the app's key and returns the consume's id.</summary>
    public async Task<string> ConsumeAsync(long amount = 1, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume") { Content = JsonContent.Create(new { quotaType = Quota, amount }) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return (await Ok(await Api.WithApiKey(ApiKey).SendAsync(request))).GetProperty("consumeId").GetString()!;
    }

    public async Task RefundAsync(string consumeId, long amount)
    {
        await Ok(await Api.WithApiKey(ApiKey).PostAsJsonAsync("/v1/quota/refund", new { quotaType = Quota, amount, consumeId }));
    }

    private async Task CreditsAsync()
    {
        CreditsApiKey = await Api.IssueApiKeyAsync(Owner, "credits:consume", "credits:read");
        var ops = Api.As(Operator.AccessToken);
        await Ok(await ops.PostAsJsonAsync("/v1/admin/apps/chat/tools", new { key = "image", name = "Image", creditsPerUnit = 1 }));
        using var grant = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/tenants/{TenantId}/credits/grants")
        {
            Content = JsonContent.Create(new { amount = 1_000_000, source = "promotion", reason = "contract" }),
        };
        grant.Headers.Add("Idempotency-Key", "contract-credits");
        await Ok(await ops.SendAsync(grant));
    }

    /// <summary>Spends <paramref name="units"/> of <see cref="Tool"/> with the credits key and returns the spend's id.</summary>
    public async Task<string> SpendCreditsAsync(long units = 1, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/credits/consume")
        {
            Content = JsonContent.Create(new { tool = Tool, units }),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return (await Ok(await Api.WithApiKey(CreditsApiKey).SendAsync(request))).GetProperty("spendId").GetString()!;
    }

    /// <summary>A new reservation of <see cref="Tool"/>, for a case to settle or release.</summary>
    public async Task<string> ReserveCreditsAsync() =>
        (await Ok(await Api.WithApiKey(CreditsApiKey)
            .PostAsJsonAsync("/v1/credits/reservations", new { tool = Tool, units = 5, ttlSeconds = 600 }))).GetProperty("id").GetString()!;

    /// <summary>Sends <paramref name="request"/> to <paramref name="operationId"/> and expects a 2xx (the first call that a replay repeats).</summary>
    public async Task SendAsync(string operationId, ContractRequest request)
    {
        using var message = request.ToMessage(Contract.Operations[operationId]);
        await Ok(await Api.CreateClient().SendAsync(message));
    }

    /// <summary>A new order of the owner's tenant for the cny pack, at <paramref name="provider"/>; returns its id.</summary>
    public async Task<string> NewOrderAsync(string provider)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{TenantId}/orders")
        {
            Content = JsonContent.Create(new { provider, packId = "cn-pack" }),
        };
        request.Headers.Add("Idempotency-Key", Fresh("order-"));
        var order = await Ok(await Api.As(Owner.AccessToken).SendAsync(request));
        // The customer's browser opens an Alipay order's pay URL: the fake Alipay holds the trade from then on.
        if (order.GetProperty("payUrl").GetString() is { } payUrl) Alipay.Open(new Uri(payUrl));
        return order.GetProperty("id").GetString()!;
    }

    /// <summary>A new order of the owner's tenant, paid by its provider's notification; returns its id.</summary>
    public async Task<string> PaidOrderAsync(string provider)
    {
        var orderId = await NewOrderAsync(provider);
        if (provider == "alipay") Alipay.Pay(orderId); else WeChat.Pay(orderId);
        var notifyUrl = new Uri($"http://localhost/v1/webhooks/{provider}");
        var answer = await Api.CreateClient().SendAsync(provider == "alipay" ? Alipay.Notification(notifyUrl, orderId)
            : WeChat.Notification(notifyUrl, orderId));
        Assert.True(answer.IsSuccessStatusCode,
            $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}"); // Alipay's is text
        return orderId;
    }

    /// <summary>A provider's notification as a contract request: its body, its type and its signature headers.</summary>
    public static ContractRequest Notification(HttpRequestMessage message)
    {
        var request = ContractRequest.Anonymous.Raw(message.Content!.ReadAsStringAsync().GetAwaiter().GetResult(),
            message.Content.Headers.ContentType!.ToString());
        foreach (var (name, values) in message.Headers.Where(h => h.Key.StartsWith("Wechatpay-", StringComparison.OrdinalIgnoreCase)))
            request = request.Header(name, string.Join(",", values));
        return request;
    }

    public async Task DisableAsync(string userId) =>
        await Ok(await Api.As(Operator.AccessToken).PostAsync($"/v1/admin/users/{userId}/disable", null));

    /// <summary>Fails to log in as <paramref name="account"/> until its email is locked out.</summary>
    public async Task LockOutAsync(Account account)
    {
        for (var attempt = 0; attempt < 5; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = account.Email, password = "not-the-password" })).StatusCode);
    }

    /// <summary>A Stripe event of a type Tollgate does not use, as Stripe would send it.</summary>
    public string StripeEvent(string type)
    {
        var stripeEvent = FakeStripe.Fixture("event");
        stripeEvent["id"] = Fresh("evt_contract_");
        stripeEvent["type"] = type;
        stripeEvent["created"] = Api.Clock.GetUtcNow().ToUnixTimeSeconds();
        stripeEvent["api_version"] = "2025-09-30.clover";
        stripeEvent["data"] = new JsonObject { ["object"] = new JsonObject { ["id"] = "cus_contract", ["object"] = "customer" } };
        return stripeEvent.ToJsonString();
    }

    /// <summary>Signs as Stripe does (HMAC-SHA256 of "{t}.{body}" with the webhook secret).</summary>
    public string SignStripe(string body)
    {
        var t = Api.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Stripe.DisposeAsync();
        await Alipay.DisposeAsync();
        await WeChat.DisposeAsync();
        await _storage.DisposeAsync();
        await Mailbox.DisposeAsync();
    }
}
