using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Core.Tests.Crypto;

public sealed class SecretBoxTests
{
    private const string Owner = "org:0193c1c6-8a5e-7000-9000-000000000001";
    private const string Purpose = "github-token";
    private static readonly SecretBox Box = new(EncryptionKey.Parse(EncryptionKey.Generate()));

    [Fact]
    public void Sealed_secret_opens_to_the_same_plaintext()
    {
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);

        Assert.Equal("ghp_exampletoken", Box.OpenString(sealedValue, Owner, Purpose));
    }

    [Fact]
    public void Sealed_value_has_version_nonce_ciphertext_and_tag_and_never_contains_the_plaintext()
    {
        var plaintext = Encoding.UTF8.GetBytes("a secret of some length");

        var sealedValue = Box.Seal(plaintext, Owner, Purpose);

        Assert.Equal(SecretBox.FormatVersion, sealedValue[0]);
        Assert.Equal(1 + SecretBox.NonceSize + plaintext.Length + SecretBox.TagSize, sealedValue.Length);
        Assert.Equal(-1, sealedValue.AsSpan().IndexOf(plaintext));
    }

    [Theory]
    [InlineData(1)] // first nonce byte
    [InlineData(12)] // last nonce byte
    [InlineData(13)] // first ciphertext byte
    [InlineData(-1)] // last tag byte
    [InlineData(-16)] // first tag byte
    public void Flipping_any_bit_fails_authentication(int position)
    {
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);
        var index = position >= 0 ? position : sealedValue.Length + position;

        for (var bit = 0; bit < 8; bit++)
        {
            var tampered = (byte[])sealedValue.Clone();
            tampered[index] ^= (byte)(1 << bit);
            // One message for every cause, so the answer tells an attacker nothing about which part failed.
            Assert.Equal("The sealed value failed authentication.", Assert.Throws<SecretBoxException>(() => Box.Open(tampered, Owner, Purpose)).Message);
        }
    }

    [Fact]
    public void Ciphertext_bound_to_one_owner_does_not_open_for_another()
    {
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);

        Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue, "org:someone-else", Purpose));
    }

    [Fact]
    public void Ciphertext_sealed_for_one_purpose_does_not_open_for_another()
    {
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);

        Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue, Owner, "webhook-secret"));
    }

    [Fact]
    public void Owner_and_purpose_boundaries_cannot_be_shifted()
    {
        var sealedValue = Box.Seal("x", "ab", "c");

        Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue, "a", "bc"));
    }

    /// <summary>
    /// Every organization's owner string has the same length ("organization:" and a GUID), so the binding must rest on
    /// the owner's bytes, not only on its length; the same for purposes.
    /// </summary>
    [Theory]
    [InlineData("organization:0193c1c6-8a5e-7000-9000-000000000001", "organization:0193c1c6-8a5e-7000-9000-000000000002", Purpose, Purpose)]
    [InlineData(Owner, Owner, "github-token", "github-tokem")]
    public void An_owner_or_purpose_of_the_same_length_differing_in_one_character_does_not_open_the_value(string owner, string otherOwner, string purpose, string otherPurpose)
    {
        var sealedValue = Box.Seal("ghp_exampletoken", owner, purpose);

        var refused = Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue, otherOwner, otherPurpose));
        Assert.Equal("The sealed value failed authentication.", refused.Message);
    }

    /// <summary>
    /// The owner's length prefix is what keeps these two apart: without it, owner "x" with purpose "\u0001\0\0\0z" and
    /// owner "x\u0005\0\0\0" with purpose "z" give the same associated data.
    /// </summary>
    [Fact]
    public void An_owner_that_ends_like_a_length_prefix_cannot_borrow_the_start_of_the_purpose()
    {
        var sealedValue = Box.Seal("x", "x", "\u0001\0\0\0z");

        Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue, "x\u0005\0\0\0", "z"));
    }

    [Fact]
    public void An_empty_secret_seals_to_the_shortest_value_and_opens_again()
    {
        var sealedValue = Box.Seal(string.Empty, Owner, Purpose);

        Assert.Equal(1 + SecretBox.NonceSize + SecretBox.TagSize, sealedValue.Length);
        Assert.Equal(string.Empty, Box.OpenString(sealedValue, Owner, Purpose));
    }

    [Theory]
    [InlineData("", Purpose)]
    [InlineData(Owner, "")]
    public void A_value_cannot_be_sealed_or_opened_without_an_owner_and_a_purpose(string owner, string purpose)
    {
        Assert.Throws<ArgumentException>(() => Box.Seal("ghp_exampletoken", owner, purpose));
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);
        Assert.Throws<ArgumentException>(() => Box.Open(sealedValue, owner, purpose));
    }

    [Fact]
    public void Another_key_cannot_open_the_value()
    {
        var other = new SecretBox(EncryptionKey.Parse(EncryptionKey.Generate()));
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);

        Assert.Throws<SecretBoxException>(() => other.Open(sealedValue, Owner, Purpose));
    }

    [Fact]
    public void Unknown_format_version_and_truncated_values_are_refused()
    {
        var sealedValue = Box.Seal("ghp_exampletoken", Owner, Purpose);
        var otherVersion = (byte[])sealedValue.Clone();
        otherVersion[0] = 2;

        Assert.Equal("Unknown sealed value format version 2.", Assert.Throws<SecretBoxException>(() => Box.Open(otherVersion, Owner, Purpose)).Message);
        Assert.Equal("The sealed value is too short.", Assert.Throws<SecretBoxException>(() => Box.Open(sealedValue.AsSpan(0, 20), Owner, Purpose)).Message);
    }

    [Fact]
    public void Nonces_differ_across_ten_thousand_encryptions()
    {
        var nonces = new HashSet<string>();

        for (var i = 0; i < 10_000; i++)
        {
            var sealedValue = Box.Seal("same plaintext every time", Owner, Purpose);
            nonces.Add(Convert.ToHexString(sealedValue, 1, SecretBox.NonceSize));
        }

        Assert.Equal(10_000, nonces.Count);
    }
}
