using System.Net;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// The last handler before the network for every GitHub request. It holds the promises about where the
/// token goes, whatever the client library above it does:
/// requests go only to the configured API host or its archive host (a redirect anywhere else is refused
/// before it is followed); the <c>Authorization</c> header is sent to the API host only; every response
/// body is read into memory under a size cap (so a huge or endless answer fails instead of filling memory,
/// and a connection that breaks mid-download fails here, before anything is parsed); and every request is
/// counted, so a sync can report how many it needed.
/// </summary>
internal sealed class GitHubEgressGuard(GitHubEndpoints endpoints, long maxResponseBytes, HttpMessageHandler transport) : DelegatingHandler(transport)
{
    private int requests;

    public int Requests => Volatile.Read(ref requests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new GitHubAccessException("A GitHub request had no address.");
        var toApi = endpoints.IsApi(uri);
        if (!endpoints.IsAllowed(uri))
        {
            throw new GitHubAccessException($"Refused to contact {uri.Host}: only the GitHub API host and its archive host are allowed.");
        }

        if (!toApi)
        {
            // The archive host receives a signed, short-lived URL; it never needs (or gets) the token.
            request.Headers.Authorization = null;
        }

        Interlocked.Increment(ref requests);
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            if (response.Headers.Location is { } location && IsRedirect(response.StatusCode))
            {
                var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (!endpoints.IsAllowed(target))
                {
                    throw new GitHubAccessException($"GitHub redirected to {target.Host}, which is neither its API host nor its archive host; the redirect was not followed.");
                }

                return response;
            }

            if (response.Content.Headers.ContentLength > maxResponseBytes)
            {
                throw new GitHubAccessException($"GitHub's answer is larger than the {maxResponseBytes}-byte limit.");
            }

            response.Content = await BufferAsync(response.Content, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpContent> BufferAsync(HttpContent content, CancellationToken cancellationToken)
    {
        byte[]? body;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            body = await Frameworks.BoundedRead.ReadAtMostAsync(stream, maxResponseBytes, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new GitHubAccessException("The connection to GitHub broke while its answer was being read.", ex) { Transient = true };
        }

        if (body is null)
        {
            throw new GitHubAccessException($"GitHub's answer is larger than the {maxResponseBytes}-byte limit.");
        }

        var buffered = new ByteArrayContent(body);
        foreach (var header in content.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        content.Dispose();
        return buffered;
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}

/// <summary>Which hosts a sync may talk to: the configured API root, and GitHub's archive host for it.</summary>
internal sealed class GitHubEndpoints(Uri apiBaseUrl)
{
    public Uri ApiBaseUrl { get; } = apiBaseUrl;

    /// <summary>
    /// <c>codeload.github.com</c> for <c>api.github.com</c>; <c>codeload.{host}</c> for a GitHub Enterprise
    /// Server with subdomain isolation (without it, archives come from the API host itself).
    /// </summary>
    public string ArchiveHost { get; } = "codeload." + (apiBaseUrl.Host.StartsWith("api.", StringComparison.OrdinalIgnoreCase) ? apiBaseUrl.Host[4..] : apiBaseUrl.Host);

    public bool IsApi(Uri uri) =>
        string.Equals(uri.Scheme, ApiBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Host, ApiBaseUrl.Host, StringComparison.OrdinalIgnoreCase)
        && uri.Port == ApiBaseUrl.Port;

    public bool IsAllowed(Uri uri) => IsApi(uri) || IsArchive(uri);

    // The archive host is reached over https only (or plain http when the API itself is, as in tests).
    public bool IsArchive(Uri uri) =>
        string.Equals(uri.Host, ArchiveHost, StringComparison.OrdinalIgnoreCase)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && ApiBaseUrl.Scheme == Uri.UriSchemeHttp));
}

/// <summary>GitHub could not be used: refused, unreachable, too large, or broken mid-way. The message is safe to show.</summary>
public sealed class GitHubAccessException : Exception
{
    /// <summary>
    /// True when the same request may well succeed later (rate limits, 5xx answers, timeouts, broken connections);
    /// false when it cannot until someone changes something (a refused token, a missing repository, a refused redirect).
    /// </summary>
    public bool Transient { get; init; }

    /// <summary>How long GitHub asked to wait (<c>Retry-After</c>, or until <c>X-RateLimit-Reset</c>); null when it named no time.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public GitHubAccessException(string message)
        : base(message)
    {
    }

    public GitHubAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
