using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Extensions;
using Tollgate.Api.Payments.Orders;
using Tollgate.Api.Payments.WeChatPay;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>The WeChat Pay provider as the silo registers it (<c>AddWeChatPay</c>), over the settings a test gives it.</summary>
internal static class WeChatPayProviders
{
    public static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddKeyedSingleton(DomainClock.Key, clock ?? TimeProvider.System);
        services.AddWeChatPay(configuration);
        return services.BuildServiceProvider();
    }

    public static IOrderPaymentProvider Provider(this ServiceProvider services) =>
        services.GetServices<IOrderPaymentProvider>().Single(p => p.Name == WeChatPayProvider.ProviderName);
}
