using Microsoft.AspNetCore.DataProtection;
using Tollgate.Storage.Email;

namespace Tollgate.Grains.Identity;

/// <summary>Builds the email outbox records grains write with the changes that send them.</summary>
public static class AccountEmailJournal
{
    /// <summary>The link's token is encrypted with <paramref name="protector"/> (see <see cref="AccountEmail.Token"/>).</summary>
    public static JournalRecord Record(IDataProtector protector, string kind, string to, string name, LinkToken token, DateTimeOffset at) =>
        new(EmailRecords.Stream, Audit.PlatformScope, kind, at,
            new AccountEmail(kind, to, name, protector.Protect(token.ToString())).ToJson());
}
