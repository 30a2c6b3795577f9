namespace Tollgate.Storage.Webhooks;

/// <summary>An event a dispatcher claimed to fan out: its row's key, its tenant, when it happened and the event as delivered.</summary>
public sealed record OutboxEvent(string GrainId, long GrainSeq, string TenantId, DateTimeOffset At, string Payload);
