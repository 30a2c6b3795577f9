using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Payments.Orders;
using Tollgate.Api.Payments.WeChatPay;

namespace Tollgate.Api.Extensions;

public static class WeChatPayServiceCollectionExtensions
{
    /// <summary>The <c>WeChatPay:*</c> section and the WeChatPay provider.</summary>
    public static IServiceCollection AddWeChatPay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeChatPayOptions>().Bind(configuration.GetSection(WeChatPayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeChatPayOptions>, WeChatPayOptionsValidation>();
        services.AddSingleton<WeChatPayKeys>();
        services.AddHttpClient<WeChatPayProvider>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<IOrderPaymentProvider>(sp => sp.GetRequiredService<WeChatPayProvider>());
        return services;
    }
}
