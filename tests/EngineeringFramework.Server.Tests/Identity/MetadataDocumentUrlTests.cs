using EngineeringFramework.Server.Identity.Registration;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class MetadataDocumentUrlTests
{
    [Theory]
    [InlineData("https://client.example/oauth/client.json")]
    [InlineData("https://client.example:8443/c")]
    public void Https_urls_with_a_path_are_metadata_document_urls(string clientId)
        => Assert.True(MetadataDocumentUrl.TryParse(clientId, development: false, out _, out _));

    [Theory]
    [InlineData("http://client.example/client.json")]
    [InlineData("http://127.0.0.1:8080/client.json")]
    [InlineData("https://client.example")]
    [InlineData("https://client.example/")]
    [InlineData("https://client.example/client.json?v=1")]
    [InlineData("https://client.example/client.json#frag")]
    [InlineData("https://user:pass@client.example/client.json")]
    [InlineData("https://client.example/a/../client.json")]
    [InlineData("https://client.example/./client.json")]
    public void Anything_else_is_refused_outside_development(string clientId)
        => Assert.False(MetadataDocumentUrl.TryParse(clientId, development: false, out _, out _));

    [Fact]
    public void Development_accepts_plain_http_on_loopback_only()
    {
        Assert.True(MetadataDocumentUrl.TryParse("http://127.0.0.1:8080/client.json", development: true, out _, out _));
        Assert.True(MetadataDocumentUrl.TryParse("http://localhost:8080/client.json", development: true, out _, out _));
        Assert.False(MetadataDocumentUrl.TryParse("http://client.example/client.json", development: true, out _, out _));
    }
}
