using System.Security.Cryptography;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Core.Tests.Crypto;

public sealed class EncryptionKeyTests
{
    [Fact]
    public void Accepts_32_bytes_as_base64()
    {
        Assert.True(EncryptionKey.TryParse(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), out var key, out _));
        Assert.NotNull(key);
    }

    [Fact]
    public void Accepts_32_bytes_as_64_hex_characters()
    {
        Assert.True(EncryptionKey.TryParse(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), out _, out _));
    }

    [Theory]
    [InlineData(null, "not set")]
    [InlineData("", "not set")]
    [InlineData("not base64 at all!", "neither 64 hex characters nor valid base64")]
    public void Refuses_missing_or_undecodable_values(string? value, string expected)
    {
        Assert.False(EncryptionKey.TryParse(value, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Refuses_keys_of_the_wrong_size(int size)
    {
        Assert.False(EncryptionKey.TryParse(Convert.ToBase64String(RandomNumberGenerator.GetBytes(size)), out _, out var problem));
        Assert.Contains($"decodes to {size} bytes", problem, StringComparison.Ordinal);
    }
}
