namespace Tollgate.Storage.Email;

/// <summary>Journal records that are emails to send: the journal stores them in its email outbox, for the silos' senders.</summary>
public static class EmailRecords
{
    /// <summary>The journal stream whose records are emails to send.</summary>
    public const string Stream = "email";
}
