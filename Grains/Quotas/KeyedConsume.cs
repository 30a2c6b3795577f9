namespace Tollgate.Grains.Quotas;

/// <summary>
/// What a counter keeps for 24 hours, each in a state entry of its own that the silo removes from
/// storage once expired, so a write stores only the entries it changed:
/// <list type="bullet">
/// <item>under an idempotency key, the first answer to the keyed consume (<see cref="RefundOf"/> null,
///   with its <see cref="ConsumeId"/> when allowed) or refund, replayed for the same request and refused for another;</item>
/// <item>under a consume's id (<see cref="QuotaCounterGrain.ConsumeEntry"/>), written by its first refund:
///   how much refunds gave back of it (<see cref="GaveBack"/>). The consume itself is in its id (<see cref="ConsumeIdCodec"/>).</item>
/// </list>
/// Entries stored by earlier versions: a consume's entry written by the consume itself, under a random
/// id (<c>cns_</c> and 32 hex digits), and keyed consumes stored before consume ids (no <see cref="ConsumeId"/>),
/// which are their own consume, with <see cref="Refunded"/> set once given back.
/// </summary>
/// <param name="RefundOf">A refund's <see cref="QuotaRefund.Fingerprint"/>.</param>
/// <param name="GaveBack">Of a consume: what its refunds gave back in all. Of a refund: what it gave back.</param>
public sealed record KeyedConsume(
    DateTimeOffset At, long Amount, bool Allowed, QuotaStatus? Answer, DateTimeOffset WindowStart, bool Refunded,
    string? ConsumeId = null, string? RefundOf = null, long GaveBack = 0);
