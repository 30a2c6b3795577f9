using Microsoft.Extensions.Options;

namespace Tollgate.Api.Auth;

/// <summary><c>Auth:ApiKeyCache</c> settings refused before anything starts, each failure naming its key.</summary>
internal sealed class ApiKeyCacheOptionsValidation : IValidateOptions<ApiKeyCacheOptions>
{
    public static readonly TimeSpan MaxRevalidateAfter = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, ApiKeyCacheOptions options)
    {
        var failures = new List<string>();
        if (options.RevalidateAfter <= TimeSpan.Zero || options.RevalidateAfter > MaxRevalidateAfter)
            failures.Add($"{ApiKeyCacheOptions.SectionName}:RevalidateAfter must be more than zero and at most {MaxRevalidateAfter:c}.");
        if (options.MaxEntries < 1)
            failures.Add($"{ApiKeyCacheOptions.SectionName}:MaxEntries must be at least 1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
