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
        await using var app = await TestApp.StartAsync(
            "Development",
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            ProbeEndpoints.AddTo);
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
        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(token, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(token, string.Join(";", r.StructuredState?.Select(s => s.Value) ?? []), StringComparison.Ordinal);
        });
    }
}
