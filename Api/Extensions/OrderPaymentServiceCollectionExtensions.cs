using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Payments.Orders;
using Tollgate.Grains.Orders;

namespace Tollgate.Api.Extensions;

/// <summary>Alipay and WeChat Pay, each registered as an <see cref="IOrderPaymentProvider"/>, and the orders that use them.</summary>
public static class OrderPaymentServiceCollectionExtensions
{
    public static IServiceCollection AddOrderPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentsOptions>().Bind(configuration.GetSection(PaymentsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PaymentsOptions>, PaymentsOptionsValidation>();
        services.AddTransient<OrderPaymentProviders>();
        services.AddTransient<IOrderProviders>(sp => sp.GetRequiredService<OrderPaymentProviders>()); // the order grains' calls
        return services.AddAlipay(configuration).AddWeChatPay(configuration);
    }
}
