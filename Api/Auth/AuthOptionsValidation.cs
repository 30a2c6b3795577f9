using Microsoft.Extensions.Options;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

/// <summary>
/// <c>Auth</c> and <c>Admin</c> settings the silo cannot run with, refused before anything starts
/// (<c>ValidateOnStart</c>), each failure naming its key and the rule it breaks.
/// </summary>
internal sealed class AuthOptionsValidation : IValidateOptions<AuthOptions>, IValidateOptions<AdminOptions>
{
    public const int MinSigningKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        !string.IsNullOrEmpty(options.SigningKey) && System.Text.Encoding.UTF8.GetByteCount(options.SigningKey) < MinSigningKeyBytes
            ? ValidateOptionsResult.Fail($"{AuthOptions.SectionName}:SigningKey must be at least {MinSigningKeyBytes} bytes long.")
            : ValidateOptionsResult.Success;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Email) && string.IsNullOrEmpty(options.Password))
            return ValidateOptionsResult.Success; // no operator configured
        var inputs = new Inputs();
        var email = inputs.Email($"{AdminOptions.SectionName}:Email", options.Email);
        inputs.Password($"{AdminOptions.SectionName}:Password", options.Password, email);
        return inputs.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(inputs.Failures);
    }
}
