namespace EngineeringFramework.Authz;

/// <summary>
/// The authorization server could not answer: unreachable, timed out, 5xx or 429 on every attempt, or it refused
/// our credentials. Not an answer about access at all, so callers must neither deny silently nor allow: the
/// product answers 503 and tries again later.
/// </summary>
public sealed class AuthorizationUnavailableException : Exception
{
    public AuthorizationUnavailableException()
        : this("The authorization server is unavailable.")
    {
    }

    public AuthorizationUnavailableException(string message)
        : base(message)
    {
    }

    public AuthorizationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
