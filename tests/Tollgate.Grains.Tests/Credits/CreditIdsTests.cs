using System.Security.Cryptography;
using Tollgate.Grains.Credits;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests.Credits;

public sealed class CreditIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_spend_id_reads_for_its_tenant_within_its_lifetime_only()
    {
        var ids = new CreditIds(_key);
        var id = ids.Spend("tnt_a", At, 3, 30);

        Assert.Matches("^spd_v1[A-Za-z0-9_-]{64}$", id);
        Assert.True(ids.IsSpend("tnt_a", id, At.AddHours(23), Day));
        Assert.False(ids.IsSpend("tnt_b", id, At, Day));
        Assert.False(ids.IsSpend("tnt_a", id, At + Day, Day));
        Assert.False(ids.IsSpend("tnt_a", id[..^1] + (id[^1] == 'A' ? 'B' : 'A'), At, Day));
    }

    [Fact]
    public void Ids_of_one_kind_never_read_as_another_though_they_share_the_secret()
    {
        var ids = new CreditIds(_key);
        var reservation = ids.Reservation("tnt_a", At, At.AddHours(1), 30);
        var consume = new ConsumeIdCodec(_key).Issue("tnt_a", At, At, 30);

        Assert.True(ids.IsReservation("tnt_a", reservation));
        Assert.False(ids.IsSpend("tnt_a", reservation, At, Day));
        Assert.False(ids.IsSpend("tnt_a", "spd_v1" + reservation["rsv_v1".Length..], At, Day));
        Assert.False(ids.IsReservation("tnt_a", "rsv_v1" + consume[ConsumeIdCodec.Prefix.Length..]));
        Assert.False(ids.IsReservation("tnt_b", reservation));
    }
}
