using System.Globalization;
using System.Net.Mail;

namespace Tollgate.Api.Infrastructure;

/// <summary>Collects field errors while normalizing request input; one 400 lists them all.</summary>
public sealed class Inputs
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public ProblemHttpResult Problem() => Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    /// <summary>Each error as <c>field: message</c>, for a log line rather than a 400.</summary>
    public IEnumerable<string> Failures => _errors.SelectMany(error => error.Value.Select(message => $"{error.Key}: {message}"));

    /// <summary>The messages alone, for a page's form that shows them beside what was typed.</summary>
    public IEnumerable<string> Messages => _errors.Values.SelectMany(messages => messages);

    public void Fail(string field, string message) =>
        (_errors.TryGetValue(field, out var list) ? list : _errors[field] = []).Add(message);

    public const int MinPasswordLength = 12;

    /// <summary>Trimmed, NFKC-normalized, lower-cased, checked email; null (with an error) when absent or invalid.</summary>
    public string? Email(string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Fail(field, "Email is required.");
            return null;
        }
        var email = NormalizeEmail(value);
        if (email is null || email.Length > 254 || email.Any(char.IsWhiteSpace)
            || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !parsed.Host.Contains('.'))
        {
            Fail(field, "Email is not a valid address.");
            return null;
        }
        return email;
    }

    /// <summary>
    /// The form an email is kept and looked up in: trimmed, NFKC-normalized (fullwidth and other
    /// compatibility forms become their plain letters), lower-cased. Null when it holds control,
    /// invisible or unpaired surrogate characters, which normalization cannot take.
    /// </summary>
    public static string? NormalizeEmail(string value)
    {
        var trimmed = value.Trim();
        if (HasForbiddenCharacters(trimmed)) return null;
        var email = CompatibilityForms.NormalizeKC(trimmed).ToLowerInvariant();
        return HasForbiddenCharacters(email) ? null : email;
    }

    /// <summary>
    /// Passwords are taken as given (no trimming): 12 to 256 characters, not one character repeated,
    /// and not the account's email or the part before its @ (ignoring case).
    /// </summary>
    public string? Password(string field, string? value, string? email)
    {
        if (string.IsNullOrEmpty(value)) Fail(field, "Password is required.");
        else if (value.Length < MinPasswordLength) Fail(field, $"Password must be at least {MinPasswordLength} characters long.");
        else if (value.Length > 256) Fail(field, "Password must be at most 256 characters long.");
        else if (HasForbiddenCharacters(value)) Fail(field, "Password contains characters that are not allowed.");
        else if (value.All(c => c == value[0])) Fail(field, "Password must not be one character repeated.");
        else if (email is not null && (value.Equals(email, StringComparison.OrdinalIgnoreCase)
            || value.Equals(email[..Math.Max(0, email.IndexOf('@'))], StringComparison.OrdinalIgnoreCase)))
            Fail(field, "Password must not be the email address or the part of it before the @.");
        else return value;
        return null;
    }

    /// <summary>A display text: trimmed, 1 to <paramref name="maxLength"/> characters, no control or invisible characters.</summary>
    public string? Text(string field, string? value, bool required, int maxLength = 100)
    {
        if (value is null || value.Trim().Length == 0)
        {
            if (required || value is not null) Fail(field, $"{Capitalized(field)} is required.");
            return null;
        }
        var text = value.Trim();
        if (text.Length > maxLength) Fail(field, $"{Capitalized(field)} must be at most {maxLength} characters long.");
        else if (HasForbiddenCharacters(text)) Fail(field, $"{Capitalized(field)} contains control or invisible characters.");
        else return text;
        return null;
    }

    /// <summary>
    /// Times Tollgate takes, from 1970 up to (not including) the year 3000: day and period arithmetic
    /// on times near the ends of <see cref="DateTimeOffset"/>'s range would overflow.
    /// </summary>
    public static readonly DateTimeOffset EarliestTime = DateTimeOffset.UnixEpoch;
    public static readonly DateTimeOffset LatestTime = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An optional ISO 8601 time from a query string, within <see cref="EarliestTime"/> and <see cref="LatestTime"/>.</summary>
    public DateTimeOffset? Time(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            Fail(field, $"{field} must be an ISO 8601 time such as 2026-01-31T00:00:00Z.");
        else if (InRange(field, time)) return time;
        return null;
    }

    /// <summary>An optional expiry: later than <paramref name="now"/> and before <see cref="LatestTime"/>.</summary>
    public DateTimeOffset? Expiry(string field, DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is not { } expiry) return null;
        if (expiry <= now) Fail(field, "Expiry must be in the future.");
        else if (InRange(field, expiry)) return expiry;
        return null;
    }

    private bool InRange(string field, DateTimeOffset time)
    {
        if (time >= EarliestTime && time < LatestTime) return true;
        Fail(field, $"{field} must be from {EarliestTime:yyyy-MM-dd} up to {LatestTime:yyyy-MM-dd}.");
        return false;
    }

    /// <summary>
    /// A client's idempotency key: null when none was sent; a failure when it is longer than
    /// <paramref name="maxLength"/> or not printable, never silently dropped (a client would retry
    /// believing its key protects it).
    /// </summary>
    public string? IdempotencyKey(string field, string? key, int maxLength = 255)
    {
        if (string.IsNullOrEmpty(key)) return null;
        if (key.Length <= maxLength && !HasForbiddenCharacters(key)) return key;
        Fail(field, $"An idempotency key must be at most {maxLength} printable characters.");
        return null;
    }

    /// <summary>Control, format (zero-width, bidi overrides), private-use characters and unpaired surrogates.</summary>
    public static bool HasForbiddenCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return true;
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                return true;
        }
        return false;
    }

    private static string Capitalized(string field) => char.ToUpperInvariant(field[0]) + field[1..];
}
