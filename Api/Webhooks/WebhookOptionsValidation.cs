using Microsoft.Extensions.Options;

namespace Tollgate.Api.Webhooks;

/// <summary>Refuses settings the dispatcher cannot run with, naming the key, before the silo starts.</summary>
public sealed class WebhookOptionsValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero) failures.Add("Webhooks:PollInterval must be more than zero.");
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > WebhookDispatcher.MaxTimeout)
            failures.Add($"Webhooks:Timeout must be more than zero and at most {WebhookDispatcher.MaxTimeout}.");
        if (options.FirstRetryDelay <= TimeSpan.Zero) failures.Add("Webhooks:FirstRetryDelay must be more than zero.");
        if (options.MaxRetryDelay < options.FirstRetryDelay)
            failures.Add("Webhooks:MaxRetryDelay must be at least Webhooks:FirstRetryDelay.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
