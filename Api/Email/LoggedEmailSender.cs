using Microsoft.Extensions.Logging;

namespace Tollgate.Api.Email;

/// <summary>
/// Without <c>Email:Smtp:Host</c>: each message's link is logged at Warning, so a single-machine trial can
/// verify an address or reset a password from the log. Anyone who reads the log can use the links.
/// </summary>
public sealed class LoggedEmailSender(ILogger<LoggedEmailSender> logger) : IEmailSender
{
    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        logger.LogWarning("No SMTP server is configured (Email:Smtp:Host), so this email is not sent. To {To}: {Subject} {Link}",
            message.To, message.Subject, message.Link);
        return Task.CompletedTask;
    }
}
