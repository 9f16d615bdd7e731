namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// Whether a <c>client_id</c> is a Client ID Metadata Document URL we will fetch (the MCP authorization specification's
/// preferred way for a client to identify itself, draft-ietf-oauth-client-id-metadata-document): https, a path, no user
/// information, no query, no fragment, no dot segments, of bounded length. In Development only, plain http on a
/// loopback host is accepted as well, so the flow can be tried with a document served from the developer's machine.
/// </summary>
internal static class MetadataDocumentUrl
{
    public const int MaxLength = 2000;

    /// <summary>Anything shaped like a web address is judged as a metadata document URL; other client ids are registrations.</summary>
    public static bool LooksLikeOne(string? clientId)
        => clientId is not null && (clientId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || clientId.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    public static bool TryParse(string clientId, bool development, out Uri? url, out string problem)
    {
        url = null;
        if (clientId.Length > MaxLength || !Uri.TryCreate(clientId, UriKind.Absolute, out var candidate))
        {
            problem = $"The client_id is not an absolute URL of at most {MaxLength} characters.";
            return false;
        }

        var loopbackHttp = development && candidate.Scheme == Uri.UriSchemeHttp && candidate.IsLoopback;
        if (candidate.Scheme != Uri.UriSchemeHttps && !loopbackHttp)
        {
            problem = "A client_id URL must use https.";
            return false;
        }

        if (!string.IsNullOrEmpty(candidate.UserInfo) || !string.IsNullOrEmpty(candidate.Query) || clientId.Contains('#', StringComparison.Ordinal) || clientId.Contains('?', StringComparison.Ordinal))
        {
            problem = "A client_id URL has no user information, query or fragment.";
            return false;
        }

        var path = clientId[(clientId.IndexOf("//", StringComparison.Ordinal) + 2)..];
        path = path.Contains('/', StringComparison.Ordinal) ? path[path.IndexOf('/', StringComparison.Ordinal)..] : string.Empty;
        if (path.Length <= 1 || path.Split('/').Any(segment => segment is "." or ".."))
        {
            problem = "A client_id URL has a path (the document's own), without . or .. segments.";
            return false;
        }

        url = candidate;
        problem = string.Empty;
        return true;
    }
}
