using Microsoft.Net.Http.Headers;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>The session cookie as the server wrote it (the raw <c>Set-Cookie</c> attributes), and replaying it from elsewhere.</summary>
internal static class SessionCookies
{
    public const string Name = "__ef_session";

    /// <summary>The session cookies a response sets (one, or several if the ticket was chunked).</summary>
    public static IReadOnlyList<SetCookieHeaderValue> SetBy(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var values)
            ? [.. SetCookieHeaderValue.ParseList([.. values]).Where(c => c.Name.Value!.StartsWith(Name, StringComparison.Ordinal))]
            : [];

    /// <summary>GETs <paramref name="path"/> as a page navigation carrying only the given cookies, from a client with no jar of its own.</summary>
    public static async Task<HttpResponseMessage> ReplayAsync(Uri baseAddress, string path, IEnumerable<SetCookieHeaderValue> cookies, bool behindTlsProxy = false)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        if (behindTlsProxy)
        {
            request.Headers.Host = ProxiedBrowserSession.PublicOrigin.Host;
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
