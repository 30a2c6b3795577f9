using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Identity;

namespace Tollgate.Api.Tests;

/// <summary>Email normalization and the look-alike skeleton, without a silo.</summary>
public sealed class EmailSkeletonTests
{
    [Theory]
    [InlineData("pаypal@example.com")] // Cyrillic а
    [InlineData("paypal@еxample.com")] // Cyrillic е
    [InlineData("pαypαl@example.com")] // Greek α
    [InlineData("paypa1@example.com")] // digit one
    [InlineData("paypal@examp1e.com")]
    [InlineData("рауpаl@ехаmрlе.соm")] // mostly Cyrillic
    public void Look_alikes_of_a_latin_address_share_its_skeleton(string lookAlike) =>
        Assert.Equal(EmailSkeleton.Of("paypal@example.com"), EmailSkeleton.Of(lookAlike));

    [Theory]
    [InlineData("g00gle@example.com", "google@example.com")]
    [InlineData("ѕһор@example.com", "shop@example.com")]
    [InlineData("ıntel@example.com", "intel@example.com")]
    public void Digits_and_other_scripts_map_to_the_latin_letters_they_imitate(string lookAlike, string latin) =>
        Assert.Equal(EmailSkeleton.Of(latin), EmailSkeleton.Of(lookAlike));

    [Theory]
    [InlineData("alice@example.com", "bob@example.com")]
    [InlineData("mail@example.com", "mall@example.com")] // i and l stay apart: only the digit 1 and Cyrillic ӏ become l
    [InlineData("jose@example.com", "josé@example.com")] // accents are kept
    public void Different_addresses_keep_different_skeletons(string a, string b) =>
        Assert.NotEqual(EmailSkeleton.Of(a), EmailSkeleton.Of(b));

    [Theory]
    [InlineData("ｆｕｌｌ@ｅｘａｍｐｌｅ.ｃｏｍ", "full@example.com")] // fullwidth
    [InlineData("  Ａlice@Example.COM ", "alice@example.com")]
    [InlineData("ﬁnance@example.com", "finance@example.com")] // the fi ligature
    [InlineData("𝐛𝐨𝐥𝐝@example.com", "bold@example.com")] // mathematical bold
    [InlineData("ⓐlice@example.com", "alice@example.com")] // circled
    [InlineData("user²@example.com", "user2@example.com")] // superscript
    public void Emails_are_trimmed_NFKC_normalized_and_lower_cased(string given, string normalized) =>
        Assert.Equal(normalized, Inputs.NormalizeEmail(given));

    [Fact]
    public void An_unpaired_surrogate_is_refused_rather_than_normalized() =>
        Assert.Null(Inputs.NormalizeEmail("a\uD800@example.com"));
}
