using Tollgate.Api.Payments.Alipay;

namespace Tollgate.Api.Tests;

/// <summary>Alipay's yuan strings and Tollgate's fen, converted exactly both ways.</summary>
public sealed class AlipayAmountTests
{
    [Theory]
    [InlineData("0.01", 1)]
    [InlineData("0.1", 10)]
    [InlineData("88.00", 8800)]
    [InlineData("88.8", 8880)]
    [InlineData("88.80", 8880)]
    [InlineData("100", 10000)]
    [InlineData("1234.5", 123450)]
    [InlineData("0", 0)]
    [InlineData("007.05", 705)]
    [InlineData("92233720368547758.07", long.MaxValue)]
    public void Yuan_read_as_exact_fen(string yuan, long fen)
    {
        Assert.True(AlipayAmount.TryParse(yuan, out var parsed));
        Assert.Equal(fen, parsed);
        Assert.Equal(fen, AlipayAmount.Parse(yuan));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-0.01")]
    [InlineData("+1")]
    [InlineData("1.234")]
    [InlineData("0.001")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1,5")]
    [InlineData("1e3")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    [InlineData("１")] // a full-width digit is a digit to char.IsDigit, not to Alipay
    [InlineData("92233720368547758.08")] // one fen more than a long holds
    [InlineData("99999999999999999999")]
    public void Anything_else_is_refused_rather_than_rounded(string yuan)
    {
        Assert.False(AlipayAmount.TryParse(yuan, out _));
        Assert.Throws<FormatException>(() => AlipayAmount.Parse(yuan));
    }

    [Fact]
    public void Null_is_refused() => Assert.False(AlipayAmount.TryParse(null, out _));

    [Theory]
    [InlineData(1, "0.01")]
    [InlineData(10, "0.10")]
    [InlineData(0, "0.00")]
    [InlineData(8800, "88.00")]
    [InlineData(8880, "88.80")]
    [InlineData(123450, "1234.50")]
    [InlineData(long.MaxValue, "92233720368547758.07")]
    public void Fen_written_as_yuan_with_two_decimals(long fen, string yuan) => Assert.Equal(yuan, AlipayAmount.Format(fen));

    [Fact]
    public void Every_amount_reads_back_as_itself()
    {
        for (long fen = 0; fen < 20_000; fen++) Assert.Equal(fen, AlipayAmount.Parse(AlipayAmount.Format(fen)));
    }

    [Fact]
    public void A_negative_amount_is_not_written() => Assert.Throws<ArgumentOutOfRangeException>(() => AlipayAmount.Format(-1));
}
