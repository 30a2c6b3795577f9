using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Credits;

/// <summary>
/// Spend and reservation ids, signed like consume ids (<see cref="SignedIdCodec"/>, the same secret,
/// their own prefixes) and scoped to the tenant: a spend id carries when it was made and what it spent,
/// a reservation id when it was made, when it ends and what it held. So an id of another tenant, altered
/// or made up is refused without a lookup, and a reservation that ended is told from one never made.
/// What a refund returns to which grant is in the spend's state entry: a spend may take from any number
/// of grants, more than an id of fixed length carries.
/// </summary>
public sealed class CreditIds(byte[] key)
{
    public const string SpendPrefix = "spd_v1";
    public const string ReservationPrefix = "rsv_v1";

    private readonly SignedIdCodec _spends = new(SpendPrefix, 4, key);
    private readonly SignedIdCodec _reservations = new(ReservationPrefix, 4, key);

    public string Spend(string tenantId, DateTimeOffset at, long units, long credits) =>
        _spends.Write(tenantId, [at.UtcTicks, units, credits, SignedIdCodec.Nonce()]);

    /// <summary>Whether <paramref name="spendId"/> is one of this tenant's spends younger than <paramref name="lifetime"/>.</summary>
    public bool IsSpend(string tenantId, string spendId, DateTimeOffset now, TimeSpan lifetime)
    {
        Span<long> values = stackalloc long[4];
        return _spends.TryRead(tenantId, spendId, values) && new DateTimeOffset(values[0], TimeSpan.Zero) > now - lifetime;
    }

    public string Reservation(string tenantId, DateTimeOffset at, DateTimeOffset expiresAt, long credits) =>
        _reservations.Write(tenantId, [at.UtcTicks, expiresAt.UtcTicks, credits, SignedIdCodec.Nonce()]);

    /// <summary>Whether this wallet made <paramref name="reservationId"/> (live or ended).</summary>
    public bool IsReservation(string tenantId, string reservationId)
    {
        Span<long> values = stackalloc long[4];
        return _reservations.TryRead(tenantId, reservationId, values);
    }
}
