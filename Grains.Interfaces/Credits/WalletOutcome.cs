namespace Tollgate.Grains.Credits;

/// <summary>How the wallet answered a spend, refund, hold, settle or release.</summary>
public enum WalletOutcome
{
    Done,
    /// <summary>Not enough available credits: nothing changed.</summary>
    Insufficient,
    /// <summary>The key was used before with a different request: nothing changed.</summary>
    KeyReused,
    /// <summary>No spend of this wallet has this id or key in the last 24 hours.</summary>
    UnknownSpend,
    /// <summary>The spend was refunded in full already.</summary>
    AlreadyRefunded,
    /// <summary>The refund asks for more than the spend has left to give back (see <see cref="WalletResult.Refundable"/>).</summary>
    ExceedsSpend,
    /// <summary>No reservation of this wallet has this id.</summary>
    UnknownReservation,
    /// <summary>The reservation was settled, released or ran out before this call.</summary>
    ReservationEnded,
    /// <summary>The balance would pass the largest number it can hold.</summary>
    Overflow,
}
