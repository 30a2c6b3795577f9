namespace Tollgate.Api.Email;

/// <summary>Bound from the <c>Email</c> section: how account emails go out, and where their links point.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>The sender's address, e.g. <c>Tollgate &lt;no-reply@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Tollgate <no-reply@localhost>";

    /// <summary>The links' base: the address people reach the silo at, without a trailing slash.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    public OutboxSettings Outbox { get; set; } = new();

    public sealed class SmtpSettings
    {
        /// <summary>Unset: no SMTP; each message's link is logged at Warning instead (a single-machine trial).</summary>
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        public string? Username { get; set; }
        public string? Password { get; set; }
        /// <summary>TLS from the start on port 465, STARTTLS on any other port; false sends in clear (a relay on the same host).</summary>
        public bool UseTls { get; set; } = true;
    }

    public sealed class OutboxSettings
    {
        /// <summary>How often each silo looks for emails due.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>The wait after a failed attempt, doubled after each further one up to <see cref="MaxRetryDelay"/>.</summary>
        public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
        /// <summary>Attempts before an email is given up (logged as an error): about a day with the default delays.</summary>
        public int MaxAttempts { get; set; } = 30;
    }
}
