namespace Tollgate.Api.Extensions;

public static class HttpClientServiceCollectionExtensions
{
    /// <summary>How long an outbound connection is reused before a new one looks the host's address up again.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Every outbound client (Stripe, webhooks, order payments) keeps one handler for the app's life, whose pool renews
    /// its connections after <see cref="ConnectionLifetime"/> so address changes are still seen. The factory's default,
    /// a new handler every 2 minutes, tracks each handler on a timer that held the app's services, and so a stopped app
    /// and its silo, for minutes after the app stopped.
    /// </summary>
    public static IServiceCollection AddTollgateHttpClients(this IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(client => client
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime }));
}
