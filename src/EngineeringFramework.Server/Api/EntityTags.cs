using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api;

/// <summary>
/// Strong entity tags carrying an object's version (<c>"7"</c>), for optimistic concurrency over HTTP: a
/// client sends back in <c>If-Match</c> the tag it read, and the use case refuses a version that moved on.
/// </summary>
internal static class EntityTags
{
    public const string IfMatchHeader = "If-Match";

    public static string Of(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = Of(version);

    /// <summary>
    /// The version named by <c>If-Match</c>, or the problem to answer instead: 428 when the header is missing
    /// (an unconditional write could overwrite a change the client never saw), 412 for a weak tag (never equal
    /// under the strong comparison If-Match requires), 400 for anything that is not one of our tags
    /// (including <c>*</c>, which would switch the check off).
    /// </summary>
    public static bool TryReadIfMatch(string? header, out long version, out ProblemHttpResult? problem)
    {
        version = 0;
        problem = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            problem = TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "Precondition required",
                detail: "Send If-Match with the ETag you read, so a change made since then is not overwritten.");
            return false;
        }

        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            problem = TypedResults.Problem(
                statusCode: StatusCodes.Status412PreconditionFailed,
                title: "Precondition failed",
                detail: "If-Match compares strong tags; a weak tag never matches. Send the ETag you read.");
            return false;
        }

        if (tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && long.TryParse(tag.AsSpan(1, tag.Length - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version)
            && version > 0)
        {
            return true;
        }

        // A validation problem like any other bad input, naming the header as the offending field.
        problem = TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [IfMatchHeader] = ["If-Match must be exactly one ETag this API returned, such as \"3\"."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = "One or more fields are invalid.",
        });
        return false;
    }
}
