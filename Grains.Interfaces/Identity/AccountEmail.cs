using System.Text.Json;

namespace Tollgate.Grains.Identity;

/// <summary>
/// An email about an account, as a grain puts it in the email outbox (the journal stream
/// <c>Storage.Email.EmailRecords.Stream</c>, see <c>AccountEmailJournal</c>) with the change that sends it; the
/// silo's sender writes the message.
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

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static AccountEmail? Read(string payload) => JsonSerializer.Deserialize<AccountEmail>(payload, s_json);
}
