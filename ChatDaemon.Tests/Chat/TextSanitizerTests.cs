using System.Buffers;
using System.Text;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class TextSanitizerTests
{
    private static string Clean(byte[] input) => Encoding.UTF8.GetString(TextSanitizer.Sanitize(new ReadOnlySequence<byte>(input)));

    [Fact]
    public void Printable_text_and_tabs_pass_unchanged() =>
        Assert.Equal("Hello,\tworld! ünïcödé ✓ 日本 🎉", Clean(Encoding.UTF8.GetBytes("Hello,\tworld! ünïcödé ✓ 日本 🎉")));

    [Fact]
    public void C0_controls_and_del_are_removed() =>
        Assert.Equal("abc", Clean([0x00, (byte)'a', 0x07, 0x08, (byte)'b', 0x0D, 0x1F, 0x7F, (byte)'c', 0x0A]));

    [Fact]
    public void Escape_sequences_lose_their_escape() =>
        Assert.Equal("]0;pwned[31mred", Clean(Encoding.UTF8.GetBytes("\u001b]0;pwned\u0007\u001b[31mred")));

    [Fact]
    public void C1_controls_are_removed_but_the_letters_after_them_stay() =>
        Assert.Equal("a\u00A0b", Clean([(byte)'a', 0xC2, 0x80, 0xC2, 0x9B, 0xC2, 0x9F, 0xC2, 0xA0, (byte)'b']));

    [Theory]
    [InlineData(new byte[] { 0xFF }, "\uFFFD")]
    [InlineData(new byte[] { 0xC3 }, "\uFFFD")]
    [InlineData(new byte[] { 0xE2, 0x82 }, "\uFFFD")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")] // a UTF-16 surrogate encoded in UTF-8
    [InlineData(new byte[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")] // overlong "/"
    [InlineData(new byte[] { (byte)'a', 0x80, (byte)'b' }, "a\uFFFDb")]
    public void Invalid_utf8_becomes_replacement_characters(byte[] input, string expected) =>
        Assert.Equal(expected, Clean(input));

    [Fact]
    public void The_output_bound_holds_for_the_worst_case()
    {
        byte[] input = Enumerable.Repeat((byte)0xFF, 1000).ToArray();
        var output = new byte[TextSanitizer.MaxOutputLength(input.Length)];
        Assert.Equal(3000, TextSanitizer.Sanitize(input, output));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(" \t ", true)]
    [InlineData(" x ", false)]
    public void Blank_means_only_spaces_and_tabs(string text, bool blank) =>
        Assert.Equal(blank, TextSanitizer.IsBlank(Encoding.UTF8.GetBytes(text)));
}
