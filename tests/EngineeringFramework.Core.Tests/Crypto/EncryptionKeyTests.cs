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

    /// <summary>64 characters that are base64 but not hex (48 bytes): read as base64 and refused for their size, not taken for hex.</summary>
    [Fact]
    public void Sixty_four_characters_of_base64_that_are_not_hex_are_read_as_base64()
    {
        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        Assert.Equal(64, value.Length);

        Assert.False(EncryptionKey.TryParse("g" + value[1..], out _, out var problem));
        Assert.Equal("decodes to 48 bytes; it must be exactly 32 bytes (256 bits).", problem);
    }

    [Fact]
    public void Parse_names_the_setting_in_its_error()
    {
        var error = Assert.Throws<FormatException>(() => EncryptionKey.Parse("not base64!"));

        Assert.StartsWith("ENCRYPTION_KEY is neither 64 hex characters nor valid base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Derived_keys_are_stable_per_label_and_unrelated_across_labels_and_a_label_is_required()
    {
        var root = EncryptionKey.Parse(EncryptionKey.Generate());
        var sealedValue = new SecretBox(root.Derive("tokens")).Seal("x", "owner", "purpose");

        Assert.Equal("x", new SecretBox(root.Derive("tokens")).OpenString(sealedValue, "owner", "purpose"));
        Assert.Throws<SecretBoxException>(() => new SecretBox(root.Derive("keys")).Open(sealedValue, "owner", "purpose"));
        Assert.Throws<SecretBoxException>(() => new SecretBox(root).Open(sealedValue, "owner", "purpose"));
        Assert.Throws<ArgumentException>(() => root.Derive(string.Empty));
    }
}
