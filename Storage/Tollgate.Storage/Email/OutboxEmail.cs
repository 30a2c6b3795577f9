namespace Tollgate.Storage.Email;

/// <summary>An email a sender claimed: its row's key, what the grain wrote for it, and this attempt's number (1 for the first).</summary>
public sealed record OutboxEmail(string GrainId, long GrainSeq, DateTimeOffset At, string Payload, int Attempt);
