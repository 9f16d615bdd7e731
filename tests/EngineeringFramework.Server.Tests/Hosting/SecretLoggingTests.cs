using System.Net.Http.Headers;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Raw_secret_never_appears_in_the_logs()
    {
        const string token = "ghp_RAWTOKENVALUE0123456789abcdefABCDEF";
        await using var app = await TestApp.StartAsync("Development", configure: builder =>
        {
            ProbeEndpoints.AddTo(builder);
            EverythingAtTrace(builder);
        });
        var logger = app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SecretFlow");
        var box = app.App.Services.GetRequiredService<SecretBox>();

        // The ways a careless change could leak it: the sealing itself, a bearer header, a query string,
        // a request body, and an exception on the way.
        logger.LogInformation("Sealing a secret for {Owner}", "org:1");
        var sealedValue = box.Seal(token, "org:1", "github-token");
        logger.LogInformation("Sealed {Length} bytes", sealedValue.Length);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/probe/ok?access_token={token}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await app.Client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        await app.Client.PostAsync(new Uri("/probe/echo", UriKind.Relative), new StringContent($"{{\"name\":\"{token}\",\"count\":", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await app.Client.GetAsync(new Uri($"/probe/throw?token={token}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(token, box.OpenString(sealedValue, "org:1", "github-token"));

        var records = app.Logs.GetSnapshot();
        // The capture really is the most verbose one: ASP.NET Core's own request handling reached it at Debug and below,
        // so only the server's deliberate filter stands between a request line and the log.
        Assert.Contains(records, r => r.Category?.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) == true && r.Level <= LogLevel.Debug);
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(token, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(token, string.Join(";", r.StructuredState?.Select(s => s.Value) ?? []), StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// Every category at Trace: each level the configuration files name (appsettings keeps Microsoft.AspNetCore at
    /// Warning, which alone would hide a leaking request line) is overridden, so what still filters is the server's code.
    /// </summary>
    private static void EverythingAtTrace(WebApplicationBuilder builder)
    {
        var overrides = builder.Configuration.GetSection("Logging").AsEnumerable()
            .Where(setting => setting.Value is not null && setting.Key.Contains(":LogLevel:", StringComparison.Ordinal))
            .ToDictionary(setting => setting.Key, _ => (string?)nameof(LogLevel.Trace));
        overrides["Logging:LogLevel:Default"] = nameof(LogLevel.Trace);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
    }
}
