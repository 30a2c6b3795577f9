using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Email;

/// <summary>Writes the message for an account email from the outbox: its text and its link with the decrypted token.</summary>
public sealed class AccountEmailWriter(IOptions<EmailOptions> options, IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _tokens = dataProtection.CreateProtector(AccountEmail.TokenPurpose);

    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the token cannot be decrypted here.</summary>
    public EmailMessage Write(AccountEmail email)
    {
        var token = Uri.EscapeDataString(_tokens.Unprotect(email.Token));
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        return email.Kind switch
        {
            AccountEmail.PasswordReset => Message($"{baseUrl}/reset-password?token={token}", "Reset your Tollgate password",
                "Someone, hopefully you, asked to reset the password of your Tollgate account. To choose a new one, open this link "
                + "within 30 minutes; it works once, and ends every login of the account:"),
            _ => Message($"{baseUrl}/verify-email?token={token}", "Verify your email for Tollgate",
                "To confirm that this address is yours, open this link within 48 hours:"),
        };

        EmailMessage Message(string link, string subject, string lead) =>
            new(email.To, subject, $"Hello {email.Name},\n\n{lead}\n\n{link}\n\nIf you did not ask for this, ignore this email.\n", link);
    }
}
