namespace Tollgate.Grains.Webhooks;

/// <summary>When an endpoint is failing, and when it has failed long enough to be disabled.</summary>
public static class WebhookEndpointHealth
{
    /// <summary>An endpoint whose attempts have all failed for this long (since its last success) is disabled.</summary>
    public static readonly TimeSpan FailingFor = TimeSpan.FromDays(3);

    /// <summary>The endpoint's failing streak after an attempt at <paramref name="at"/>, and whether it is to be disabled now.</summary>
    public static (DateTimeOffset? FailingSince, bool Disable) After(DateTimeOffset? failingSince, bool succeeded, DateTimeOffset at)
    {
        if (succeeded) return (null, false);
        var since = failingSince is { } earlier && earlier <= at ? earlier : at;
        return (since, at - since >= FailingFor);
    }
}
