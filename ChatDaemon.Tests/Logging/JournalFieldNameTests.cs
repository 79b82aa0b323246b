using Xunit;
using ChatDaemon.Logging.Journal;

namespace ChatDaemon.Tests.Logging;

public class JournalFieldNameTests
{
    [Theory]
    [InlineData("ConnectionId", "CONNECTION_ID")]
    [InlineData("RemoteEndPoint", "REMOTE_END_POINT")]
    [InlineData("Nick", "NICK")]
    [InlineData("nick", "NICK")]
    [InlineData("HTTPServer", "HTTP_SERVER")]
    [InlineData("Ipv4Address", "IPV4_ADDRESS")]
    [InlineData("user.name-x", "USER_NAME_X")]
    [InlineData("élan", "LAN")]
    public void Property_names_map_to_upper_case_words_split_by_underscores(string property, string field)
    {
        Assert.Equal(field, JournalFieldName.ForProperty(property));
    }

    [Theory]
    [InlineData("_Private", "PRIVATE")]
    [InlineData("__x", "X")]
    [InlineData("2ndTry", "ND_TRY")]
    [InlineData("_9Lives", "LIVES")]
    public void Field_names_never_start_with_an_underscore_or_a_digit(string property, string field)
    {
        Assert.Equal(field, JournalFieldName.ForProperty(property));
    }

    [Theory]
    [InlineData("_")]
    [InlineData("123")]
    [InlineData("-")]
    public void A_property_with_nothing_valid_left_has_no_field(string property)
    {
        Assert.Null(JournalFieldName.ForProperty(property));
    }

    [Fact]
    public void Field_names_are_cut_to_64_characters()
    {
        var field = JournalFieldName.ForProperty(new string('a', 100));
        Assert.Equal(new string('A', 64), field);
    }

    [Theory]
    [InlineData("Message", "PROPERTY_MESSAGE")]
    [InlineData("Priority", "PROPERTY_PRIORITY")]
    [InlineData("SyslogIdentifier", "PROPERTY_SYSLOG_IDENTIFIER")]
    [InlineData("Unit", "PROPERTY_UNIT")]
    public void Properties_that_would_overwrite_journal_fields_are_prefixed(string property, string field)
    {
        Assert.Equal(field, JournalFieldName.ForProperty(property));
    }
}
