using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Api.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>Account emails: SMTP when <c>Email:Smtp:Host</c> is set, else links in the log; and each silo's outbox sender.</summary>
    public static IServiceCollection AddTollgateEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName));
        if (string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.SectionName}:Smtp:Host"])) services.AddSingleton<IEmailSender, LoggedEmailSender>();
        else services.AddSingleton<IEmailSender, SmtpEmailSender>();
        services.AddSingleton<AccountEmailWriter>();
        services.AddHostedService<EmailOutboxSender>();
        return services;
    }
}
