using System.Globalization;
using System.Net;
using Octokit;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// What a failed GitHub call means for a sync: a message people can act on, whether trying again later can help,
/// and how long GitHub asked to wait. GitHub's primary rate limit answers 403 or 429 with
/// <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> (epoch seconds); its secondary limits answer 403 or
/// 429 with <c>retry-after</c> (seconds). Those, 5xx answers, timeouts and broken connections pass by themselves;
/// a refused token, a missing repository or any other answer needs a person.
/// </summary>
internal static class GitHubFailure
{
    /// <summary>The failure as a <see cref="GitHubAccessException"/>; null for "not found" (callers word it for their context) and for bugs.</summary>
    public static GitHubAccessException? Classify(Exception exception, TimeProvider time) => exception switch
    {
        GitHubAccessException access => access,
        ApiException api when RateLimit(api, time) is { } limit => new(limit.Message, api) { Transient = true, RetryAfter = limit.Wait },
        AuthorizationException api => new("GitHub refused the token (it is invalid, expired or revoked).", api),
        Octokit.ForbiddenException api => new("The token is not allowed to read this repository (it needs Contents: read).", api),
        Octokit.NotFoundException => null,
        ApiException api when (int)api.StatusCode >= 500 => new($"GitHub answered {(int)api.StatusCode} (an error on GitHub's side).", api) { Transient = true },
        ApiException api => new($"GitHub answered {(int)api.StatusCode}.", api),
        TimeoutException or OperationCanceledException => new("GitHub did not answer in time.", exception) { Transient = true },
        HttpRequestException => new("GitHub could not be reached.", exception) { Transient = true },
        _ => null,
    };

    private static (string Message, TimeSpan? Wait)? RateLimit(ApiException api, TimeProvider time)
    {
        var status = (int)api.StatusCode;
        if (status is not (403 or 429))
        {
            return null;
        }

        var headers = api.HttpResponse?.Headers ?? new Dictionary<string, string>();
        var now = time.GetUtcNow();
        if (Header(headers, "retry-after") is { } retryAfter)
        {
            // Seconds, as GitHub sends it; an HTTP date is allowed by RFC 9110 too.
            TimeSpan? wait = int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
                : DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date - now
                : null;
            return ($"GitHub asked to slow down (a secondary rate limit, answered {status}).", wait);
        }

        if (Header(headers, "x-ratelimit-remaining") == "0")
        {
            TimeSpan? wait = long.TryParse(Header(headers, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
                ? DateTimeOffset.FromUnixTimeSeconds(reset) - now
                : null;
            return ($"GitHub's rate limit for this token is exhausted (answered {status}).", wait);
        }

        // Octokit recognises the limits by their wording when GitHub sent no headers; 429 is a limit by definition.
        return api is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException || api.StatusCode == HttpStatusCode.TooManyRequests
            ? ($"GitHub asked to slow down (answered {status}).", null)
            : null;
    }

    // Octokit copies the headers into a case-sensitive dictionary; HTTP header names are case-insensitive.
    private static string? Header(IReadOnlyDictionary<string, string> headers, string name)
        => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.Trim();
}

/// <summary>GitHub refused a commit status (403, 404, 422): the token may not post statuses there; trying again will not help.</summary>
internal sealed class GitHubStatusRefusedException(int status, Exception inner)
    : Exception($"GitHub refused the commit status (answered {status}). {CannotPostStatuses}", inner)
{
    public const string CannotPostStatuses =
        "The token cannot post commit statuses (it needs Commit statuses: write, or push access): pushes will be checked, but GitHub will not show the result.";
}
