using System.Security.Cryptography;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class ConsumeIdCodecTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 12, 6, 10, 30, 15, TimeSpan.Zero).AddTicks(1234567);
    private static readonly ConsumeTicket Ticket = new(At, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(7), 42, -17);

    private readonly ConsumeIdCodec _codec = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void An_id_reads_back_the_ticket_it_was_written_with_and_is_url_safe()
    {
        var id = _codec.Write("tnt_a/chat/messages", Ticket);

        Assert.StartsWith(ConsumeIdCodec.Prefix, id);
        Assert.Equal(70, id.Length);
        Assert.Matches("^cns_v1[A-Za-z0-9_-]{64}$", id);
        Assert.True(ConsumeIdCodec.IsTicket(id));
        Assert.Equal(Ticket, _codec.Read("tnt_a/chat/messages", id, At.AddHours(23), Lifetime));
    }

    [Fact]
    public void Two_equal_consumes_get_different_ids_that_each_read_back()
    {
        var first = _codec.Issue("tnt_a/chat/messages", At, Ticket.WindowStart, 5);
        var second = _codec.Issue("tnt_a/chat/messages", At, Ticket.WindowStart, 5);

        Assert.NotEqual(first, second);
        Assert.Equal(5, _codec.Read("tnt_a/chat/messages", first, At, Lifetime)?.Amount);
        Assert.Equal(5, _codec.Read("tnt_a/chat/messages", second, At, Lifetime)?.Amount);
    }

    [Fact]
    public void An_id_with_any_character_changed_does_not_read()
    {
        var id = _codec.Write("tnt_a/chat/messages", Ticket);

        for (var i = ConsumeIdCodec.Prefix.Length; i < id.Length; i++)
        {
            var tampered = id[..i] + (id[i] == 'A' ? 'B' : 'A') + id[(i + 1)..];
            Assert.Null(_codec.Read("tnt_a/chat/messages", tampered, At, Lifetime));
        }
    }

    [Fact]
    public void An_id_does_not_read_for_another_tenant_or_quota_type()
    {
        var id = _codec.Write("tnt_a/chat/messages", Ticket);

        Assert.Null(_codec.Read("tnt_b/chat/messages", id, At, Lifetime));
        Assert.Null(_codec.Read("tnt_a/chat/tokens", id, At, Lifetime));
        Assert.Null(_codec.Read("tnt_a/chat/messagesx", id, At, Lifetime));
    }

    [Fact]
    public void An_id_expires_after_its_lifetime()
    {
        var id = _codec.Write("tnt_a/chat/messages", Ticket);

        Assert.NotNull(_codec.Read("tnt_a/chat/messages", id, At + Lifetime - TimeSpan.FromTicks(1), Lifetime));
        Assert.Null(_codec.Read("tnt_a/chat/messages", id, At + Lifetime, Lifetime));
    }

    [Fact]
    public void An_id_written_with_another_key_does_not_read()
    {
        var id = new ConsumeIdCodec(RandomNumberGenerator.GetBytes(32)).Write("tnt_a/chat/messages", Ticket);

        Assert.Null(_codec.Read("tnt_a/chat/messages", id, At, Lifetime));
    }

    [Theory]
    [InlineData("cns_0123456789abcdef0123456789abcdef")] // a random id of an earlier version
    [InlineData("cns_v1")]
    [InlineData("cns_v1AAAA")]
    [InlineData("")]
    public void Ids_of_other_forms_do_not_read(string id)
    {
        Assert.Null(_codec.Read("tnt_a/chat/messages", id, At, Lifetime));
        Assert.Equal(id.StartsWith("cns_v1", StringComparison.Ordinal), ConsumeIdCodec.IsTicket(id));
    }

    [Fact]
    public void An_id_padded_or_with_whitespace_does_not_read()
    {
        var id = _codec.Write("tnt_a/chat/messages", Ticket);

        Assert.Null(_codec.Read("tnt_a/chat/messages", id[..^1] + " ", At, Lifetime));
        Assert.Null(_codec.Read("tnt_a/chat/messages", id[..^2] + " " + id[^1], At, Lifetime));
        Assert.Null(_codec.Read("tnt_a/chat/messages", id + "=", At, Lifetime));
    }
}
