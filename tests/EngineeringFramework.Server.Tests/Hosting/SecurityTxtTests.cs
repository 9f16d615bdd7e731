using System.Globalization;
using System.Net;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>/.well-known/security.txt (RFC 9116) from SECURITY_CONTACT, and the setting's validation at start-up.</summary>
public sealed class SecurityTxtTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Security_txt_is_anonymous_plain_text_with_the_required_fields_and_a_future_expiry()
    {
        await using var app = await TestApp.StartAsync("Production", new Dictionary<string, string?> { ["SECURITY_CONTACT"] = "https://ef.example.test/report" });

        using var response = await app.Client.GetAsync(new Uri("/.well-known/security.txt", UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        var fields = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("https://ef.example.test/report", fields["Contact"]);
        var expires = DateTimeOffset.ParseExact(fields["Expires"], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(365));
        Assert.Equal("en", fields["Preferred-Languages"]);
        Assert.Equal("https://ef.example.test/.well-known/security.txt", fields["Canonical"]);
        Assert.Equal("https://ef.example.test/security", fields["Policy"]);
    }

    [Fact]
    public async Task Without_a_contact_there_is_no_security_txt()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/.well-known/security.txt", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Expires_is_computed_from_the_clock_a_month_ahead_and_stable_through_the_day()
    {
        var morning = new DateTimeOffset(2027, 3, 1, 0, 0, 1, TimeSpan.Zero);
        var evening = new DateTimeOffset(2027, 3, 1, 23, 59, 59, TimeSpan.Zero);

        var early = SecurityTxt.Compose(new Uri("mailto:sec@example.com"), new Uri("https://ef.example.com"), morning);
        var late = SecurityTxt.Compose(new Uri("mailto:sec@example.com"), new Uri("https://ef.example.com"), evening);

        Assert.Contains("Expires: 2027-04-01T00:00:00Z\n", early, StringComparison.Ordinal);
        Assert.Equal(early, late);
        Assert.Contains("Contact: mailto:sec@example.com\n", early, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("security@example.com", "mailto:security@example.com")]
    [InlineData("mailto:security@example.com", "mailto:security@example.com")]
    [InlineData("  MAILTO:security@example.com ", "mailto:security@example.com")]
    [InlineData("https://example.com/report-a-vulnerability", "https://example.com/report-a-vulnerability")]
    public void A_contact_is_a_mailto_or_https_uri_and_a_bare_address_becomes_mailto(string value, string expected)
    {
        var errors = new List<string>();

        var contact = SecurityContact.Read(value, errors);

        Assert.Empty(errors);
        Assert.Equal(expected, contact!.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://example.com/report")]
    [InlineData("security at example.com")]
    [InlineData("mailto:")]
    [InlineData("mailto:security@example.com?subject=x")]
    [InlineData("Security Team <security@example.com>")]
    [InlineData("ftp://example.com/")]
    [InlineData("https://user:pw@example.com/")]
    public async Task A_malformed_security_contact_stops_start_up_naming_it(string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(settings: new Dictionary<string, string?> { ["SECURITY_CONTACT"] = value }));

        Assert.Contains("SECURITY_CONTACT must be a mailto: or https: URI, or an email address", error.Message, StringComparison.Ordinal);
    }
}
