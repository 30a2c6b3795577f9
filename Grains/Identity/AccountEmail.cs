using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Tollgate.Grains.Identity;

/// <summary>
/// An email about an account, as a grain puts it in the email outbox (the journal stream
/// <see cref="Storage.Email.EmailRecords.Stream"/>) with the change that sends it; the silo's sender writes the message.
/// </summary>
/// <param name="Kind"><see cref="VerifyEmail"/> or <see cref="PasswordReset"/>.</param>
/// <param name="Token">
/// The link's token, encrypted with Data Protection (<see cref="TokenPurpose"/>), as the JWT signing key is: the
/// outbox row, and the grain's stored outbox until its next write, must not hold a working link in clear. The
/// sender decrypts it to write the message, and drops the row's payload once the message is sent.
/// </param>
public sealed record AccountEmail(string Kind, string To, string Name, string Token)
{
    public const string VerifyEmail = "verify_email";
    public const string PasswordReset = "password_reset";

    /// <summary>The Data Protection purpose of the tokens in the outbox; changing it makes unsent ones unreadable.</summary>
    public const string TokenPurpose = "Tollgate.Email.LinkToken.v1";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static JournalRecord Record(IDataProtector protector, string kind, string to, string name, LinkToken token, DateTimeOffset at) =>
        new(Storage.Email.EmailRecords.Stream, Audit.PlatformScope, kind, at,
            JsonSerializer.Serialize(new AccountEmail(kind, to, name, protector.Protect(token.ToString())), s_json));

    public static AccountEmail? Read(string payload) => JsonSerializer.Deserialize<AccountEmail>(payload, s_json);
}
