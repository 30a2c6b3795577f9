using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Payments.Alipay;
using Tollgate.Api.Payments.Orders;

namespace Tollgate.Api.Extensions;

public static class AlipayServiceCollectionExtensions
{
    /// <summary>The <c>Alipay:*</c> section and the Alipay provider.</summary>
    public static IServiceCollection AddAlipay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlipayOptions>().Bind(configuration.GetSection(AlipayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlipayOptions>, AlipayOptionsValidation>();
        services.AddHttpClient(AlipayOrderPaymentProvider.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<AlipayOrderPaymentProvider>();
        services.AddSingleton<IOrderPaymentProvider>(sp => sp.GetRequiredService<AlipayOrderPaymentProvider>());
        return services;
    }
}
