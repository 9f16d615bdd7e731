using System.Net;
using System.Net.Http.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Registration;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>Dynamic registration is open to anyone, so it is rate-limited per address and forgets what nobody used.</summary>
public sealed class RegistrationLifecycleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registrations_beyond_the_hourly_limit_per_address_are_refused_with_retry_after()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimiting:ClientRegistrationsPerHour"] = "2" });

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await app.Client.PostAsJsonAsync(new Uri("/connect/register", UriKind.Relative), new { redirect_uris = new[] { "http://127.0.0.1:7777/cb" } }, Cancel);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter is not null);
        last.Dispose();
    }

    [Fact]
    public async Task A_registration_nobody_approved_is_deleted_after_a_day_and_an_approved_one_is_kept()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var unused = await OAuthClient.RegisterAsync(app, name: "Never used");
        var used = await OAuthClient.RegisterAsync(app, name: "Used");
        using var browser = await ConsentTests.SignedInAsync(app, "keeper@example.test");
        await used.AuthorizeAndApproveAsync(browser, audiences.Api);
        var scopes = app.App.Services.GetRequiredService<IServiceScopeFactory>();

        var tooEarly = await new UnusedClientSweeper(scopes, new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(23)), NullLogger<UnusedClientSweeper>.Instance).SweepAsync(Cancel);
        var dayLater = await new UnusedClientSweeper(scopes, new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(25)), NullLogger<UnusedClientSweeper>.Instance).SweepAsync(Cancel);

        Assert.Equal(0, tooEarly);
        Assert.Equal(1, dayLater);
        using var gone = await browser.GetAsync(unused.AuthorizePath([audiences.Api]));
        Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
        using var kept = await browser.GetAsync(used.AuthorizePath([audiences.Api]));
        used.CodeFrom(kept);
    }
}
