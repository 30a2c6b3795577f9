namespace Tollgate.Api.Email;

/// <summary>Hands a message to the mail system; throws when it could not (the outbox tries again later).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
