namespace EngineeringFramework.Authz;

/// <summary>A request error with OpenFGA's code, so a remote adapter and this engine fail alike.</summary>
public class AuthzException : Exception
{
    public AuthzException(AuthzErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public AuthzException()
        : this(AuthzErrorCode.ValidationError, "validation error")
    {
    }

    public AuthzException(string message)
        : this(AuthzErrorCode.ValidationError, message)
    {
    }

    public AuthzException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = AuthzErrorCode.ValidationError;
    }

    public AuthzErrorCode Code { get; }

    /// <summary>OpenFGA's numeric code, e.g. 2002.</summary>
    public int NumericCode => (int)Code;
}
