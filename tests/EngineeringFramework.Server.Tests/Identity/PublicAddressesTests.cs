using System.Net;
using EngineeringFramework.Server.Identity.Registration;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class PublicAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2001:db8::1")]
    public void Internal_and_reserved_addresses_are_not_public(string address)
        => Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("140.82.112.3")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::6810:85e5")]
    [InlineData("::ffff:140.82.112.3")]
    public void Public_unicast_addresses_are_public(string address)
        => Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));
}
