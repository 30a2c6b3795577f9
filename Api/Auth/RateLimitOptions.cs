namespace Tollgate.Api.Auth;

/// <summary>Bound from the <c>RateLimits</c> section.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>The policy the credential endpoints name (login, registration, refresh, the sign-in form).</summary>
    public const string AuthPolicy = "auth-per-client";

    /// <summary>
    /// Per client address, over login, registration, refresh and the sign-in form together: a guard
    /// against password guessing across many emails, which the per-email lockout does not see.
    /// </summary>
    public FixedWindow Auth { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per API key on <c>/v1/quota/*</c>. Off (0) by default: the hot path is capped only when the operator asks.</summary>
    public FixedWindow Quota { get; set; } = new() { PermitLimit = 0, Window = TimeSpan.FromSeconds(1) };

    public sealed class FixedWindow
    {
        /// <summary>Requests allowed per window; 0 turns the limit off.</summary>
        public int PermitLimit { get; set; }

        public TimeSpan Window { get; set; }

        public bool Enabled => PermitLimit > 0 && Window > TimeSpan.Zero;
    }
}
