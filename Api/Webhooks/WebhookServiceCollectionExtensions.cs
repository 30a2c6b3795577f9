using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Extensions;

namespace Tollgate.Api.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Outbound webhooks: the signed sender (redirects not followed, cookies not kept) and each silo's dispatcher.</summary>
    public static IServiceCollection AddTollgateWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidation>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = HttpClientServiceCollectionExtensions.ConnectionLifetime,
            });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>().AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
