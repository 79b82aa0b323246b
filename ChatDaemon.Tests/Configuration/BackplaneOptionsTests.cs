using ChatDaemon.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Configuration;

public sealed class BackplaneOptionsTests
{
    private static IReadOnlyList<string> Validate(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
        var services = new ServiceCollection()
            .AddCheckedOptions<BackplaneOptions, BackplaneOptionsValidator>(configuration, "Backplane", static (c, o) => c.Bind(o))
            .BuildServiceProvider();
        return services.GetRequiredService<ConfigurationValidator>().Validate(configuration);
    }

    [Fact]
    public void The_default_is_no_backplane_and_needs_no_Redis_key()
    {
        Assert.Equal(BackplaneKind.None, new BackplaneOptions().Kind);
        Assert.Equal("chatdaemon:", new BackplaneOptions().Redis.ChannelPrefix);
        Assert.Empty(Validate());
        Assert.Empty(Validate(("Backplane:Redis:ChannelPrefix", "")));
    }

    [Fact]
    public void Redis_with_an_endpoint_and_the_defaults_is_valid() =>
        Assert.Empty(Validate(("Backplane:Kind", "Redis"), ("Backplane:Redis:Endpoints:0", "redis.example:6380"), ("Backplane:Redis:Endpoints:1", "[::1]")));

    [Fact]
    public void Redis_without_an_endpoint_is_refused_with_the_key() =>
        Assert.Contains(Validate(("Backplane:Kind", "Redis")), f => f.StartsWith("Backplane:Redis:Endpoints: at least one", StringComparison.Ordinal));

    [Theory]
    [InlineData("Backplane:Redis:Endpoints:0", "host:0")]
    [InlineData("Backplane:Redis:Endpoints:0", "host:70000")]
    [InlineData("Backplane:Redis:Endpoints:0", "::1:6379")]
    [InlineData("Backplane:Redis:Endpoints:0", ":6379")]
    [InlineData("Backplane:Redis:ChannelPrefix", "two words")]
    [InlineData("Backplane:Redis:InstanceId", "not/allowed")]
    [InlineData("Backplane:Redis:PasswordFile", "/nonexistent/redis-password")]
    [InlineData("Backplane:Redis:ClaimSeconds", "2")]
    [InlineData("Backplane:Redis:ClaimSeconds", "3601")]
    [InlineData("Backplane:Redis:User", "needs-a-password")]
    [InlineData("Backplane:Redis:User", "two words")]
    [InlineData("Backplane:Redis:TlsCaFile", "/etc/hostname")]
    public void Each_bad_Redis_value_is_reported_with_its_key(string key, string value)
    {
        var values = new List<(string, string)> { ("Backplane:Kind", "Redis"), (key, value) };
        if (!key.StartsWith("Backplane:Redis:Endpoints", StringComparison.Ordinal))
        {
            values.Add(("Backplane:Redis:Endpoints:0", "127.0.0.1:6379"));
        }

        var failures = Validate([.. values]);

        Assert.Contains(failures, f => f.StartsWith(string.Join(':', key.Split(':').Take(3)), StringComparison.Ordinal));
    }

    [Fact]
    public void A_ca_file_is_loaded_when_tls_is_on_and_one_that_is_no_certificate_is_refused()
    {
        string directory = Directory.CreateTempSubdirectory("chatdaemon-redis-ca-").FullName;
        try
        {
            var (certificate, key, _) = TestSupport.TestCertificates.Write(directory, "redis.example");
            (string, string)[] tls = [("Backplane:Kind", "Redis"), ("Backplane:Redis:Endpoints:0", "redis.example:6380"), ("Backplane:Redis:Tls", "true")];
            Assert.Empty(Validate([.. tls, ("Backplane:Redis:TlsCaFile", certificate)]));
            Assert.Contains(Validate([.. tls, ("Backplane:Redis:TlsCaFile", key)]), f => f.StartsWith("Backplane:Redis:TlsCaFile:", StringComparison.Ordinal));
            Assert.Contains(Validate(("Backplane:Kind", "Redis"), ("Backplane:Redis:Endpoints:0", "h"), ("Backplane:Redis:TlsCaFile", certificate)),
                f => f == "Backplane:Redis:TlsCaFile: set only with Backplane:Redis:Tls=true");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_kind_is_refused() =>
        Assert.Contains(Validate(("Backplane:Kind", "Pigeon")), f => f.Contains("Backplane:Kind", StringComparison.Ordinal));

    [Fact]
    public void The_password_file_is_read_and_its_content_never_appears_in_a_message()
    {
        string file = Path.GetTempFileName();
        try
        {
            (string, string)[] redis = [("Backplane:Kind", "Redis"), ("Backplane:Redis:Endpoints:0", "h"), ("Backplane:Redis:PasswordFile", file)];
            File.WriteAllText(file, "s3cret\nsecond line ignored");
            Assert.True(RedisPasswordFile.TryRead(file, out string password, out _));
            Assert.Equal("s3cret", password);
            Assert.Empty(Validate(redis));

            File.WriteAllText(file, "\ns3cret");
            var failure = Assert.Single(Validate(redis));
            Assert.Equal($"Backplane:Redis:PasswordFile: {file} is empty", failure);
            Assert.DoesNotContain("s3cret", failure, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_reload_that_changes_the_backplane_needs_a_restart() =>
        Assert.Equal(["Backplane:Kind"], RestartRequiredKeys.Changed([], [new("Backplane:Kind", "Redis")]));
}
