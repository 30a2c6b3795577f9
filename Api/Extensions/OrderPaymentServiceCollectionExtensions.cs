using Microsoft.Extensions.Configuration;

namespace Tollgate.Api.Extensions;

/// <summary>Alipay and WeChat Pay, each registered as an <see cref="Payments.Orders.IOrderPaymentProvider"/>.</summary>
public static class OrderPaymentServiceCollectionExtensions
{
    public static IServiceCollection AddOrderPayments(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAlipay(configuration).AddWeChatPay(configuration);
}
