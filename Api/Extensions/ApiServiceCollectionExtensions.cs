using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Tollgate.Api.Auth;
using Tollgate.Api.Email;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Pages;
using Tollgate.Api.Payments;
using Tollgate.Api.Reports;
using Tollgate.Api.Webhooks;

namespace Tollgate.Api.Extensions;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// Problem details for every error, the OpenAPI document, authentication by access token or API key
    /// (the JSON API) or by the page cookie (pages only), and metrics.
    /// </summary>
    public static IServiceCollection AddTollgateApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = StatusProblems.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddTollgateOpenApi(configuration);
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true); // so bad JSON gets a problem saying what is wrong
        services.Configure<KestrelServerOptions>(options =>
        {
            options.Limits.MaxRequestBodySize = RequestBodyLimit.MaxBytes;
            options.AddServerHeader = false; // no need to tell the world what serves it
        });
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidation>();
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            // Request bodies are read strictly: a repeated or unknown field, or a number sent as a string, is a 400 naming it.
            // These settings only affect reading, so responses are written as before.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        services.AddDataProtection(); // the page cookie, form tokens and the stored JWT signing key
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<AuthOptionsValidation>()
            .AddSingleton<IValidateOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsValidation>())
            .AddSingleton<IValidateOptions<AdminOptions>>(sp => sp.GetRequiredService<AuthOptionsValidation>());
        // Hosted after the silo: both need running grains.
        services.AddSingleton<AccessTokens>().AddHostedService(sp => sp.GetRequiredService<AccessTokens>());
        services.AddHostedService<AdminBootstrap>();
        services.AddApiKeyCache(configuration);
        services.AddSingleton<Sessions>().AddSingleton<TenantGuard>().AddSingleton<UsageTotals>();
        services.AddSingleton<KnownQuotaTypes>().AddSingleton<QuotaCounters>();

        // Apps send an API key; everyone else is a person with an access token. The API-key scheme
        // is the default and hands requests without a key to JWT: a policy scheme in front would
        // add a handler, a ticket and a result to every consume.
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.Events = new JwtBearerEvents
                {
                    // A token is only as good as its login: one whose session was ended (logout, a replayed
                    // refresh token, a password change) or never existed, or whose user is disabled, is refused at once.
                    OnTokenValidated = async context =>
                    {
                        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
                        var issuedAt = context.SecurityToken is JsonWebToken token ? token.IssuedAt : DateTime.MinValue;
                        if (!await sessions.IsTokenLiveAsync(context.Principal!, new DateTimeOffset(issuedAt, TimeSpan.Zero)))
                            context.Fail("The token's session has ended or the user is disabled.");
                    },
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, options =>
                options.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? null
                    : JwtBearerDefaults.AuthenticationScheme)
            // Never a default: only page endpoints name it, through AuthorizationPolicies.PlatformOperatorPage.
            .AddPageCookie();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokens>((options, tokens) => options.TokenValidationParameters = tokens.ValidationParameters());
        services.AddAuthorizationBuilder().AddTollgatePolicies();
        services.AddSingleton<IAuthorizationHandler, PlatformOperatorHandler>();
        services.AddAntiforgery(); // the pages' forms; the JSON API takes no form posts and no cookies
        services.AddTollgatePages();
        services.AddTollgateMetrics(configuration);
        services.AddTollgateRateLimiting(configuration);
        services.AddTollgateHttpClients();

        services.AddTollgateEmail(configuration);
        services.AddTollgateWebhooks(configuration);

        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName));
        // No handler-level retry: Stripe.net retries itself, under one idempotency key.
        services.AddHttpClient<IPaymentProvider, StripePaymentProvider>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<Grains.Credits.IOffSessionCharges, ProviderOffSessionCharges>(); // auto top-up's charges, made by a grain
        services.AddOrderPayments(configuration);
        return services;
    }

    /// <summary>Errors become RFC 9457 problem responses; then every API area, the pages and <c>/metrics</c> are mapped.</summary>
    public static WebApplication UseTollgateApi(this WebApplication app)
    {
        app.UseForwardedHeaders(); // only from ForwardedHeaders:KnownProxies/KnownNetworks
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // Outside the status pages, so a page's error is in the reader's language too. The JSON API speaks one language
        // and writes invariantly: its requests (the quota path among them) skip choosing a culture.
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/v1"), pages => pages.UseRequestLocalization());
        app.UsePageStatusPages(); // a page in the reader's language on pages, a problem response everywhere else
        app.UseApiReference(); // /docs, in Development or when OpenApi:Ui is true
        app.UseRequestBodyLimit();
        app.UseTollgateRateLimiting(); // before authentication: a refused request costs no grain call
        app.UseUndeliveredCallRetry();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery(); // checks the pages' form posts; the JSON API's endpoints take none
        app.UsePageGates();
        app.MapOpenApi();
        app.MapHealthApi();
        app.MapAuthApi();
        app.MapEmailLinksApi();
        app.MapMeApi();
        app.MapTenantsApi();
        app.MapInvitationsApi();
        app.MapApiKeysApi();
        app.MapAuditLogApi();
        app.MapAdminApi();
        app.MapAnalyticsApi();
        app.MapCatalogApi();
        app.MapSubscriptionApi();
        app.MapAlertsApi();
        app.MapQuotaApi();
        app.MapUsageApi();
        app.MapCreditsApi();
        app.MapWalletApi();
        app.MapBillingApi();
        app.MapStripeWebhookApi();
        app.MapCreditPurchaseApi();
        app.MapOrdersApi();
        app.MapOrderWebhooksApi();
        app.MapWebhookEndpointsApi();
        app.MapEventsApi();
        app.MapSignInApi();
        app.MapTollgatePages();
        app.MapMetricsApi();
        return app;
    }
}
