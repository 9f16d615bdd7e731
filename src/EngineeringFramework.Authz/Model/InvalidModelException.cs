namespace EngineeringFramework.Authz.Model;

/// <summary>A model that cannot be parsed or is rejected by validation; carries every problem found.</summary>
public sealed class InvalidModelException : AuthzException
{
    public InvalidModelException(IReadOnlyList<ModelError> errors)
        : base(AuthzErrorCode.InvalidAuthorizationModel, string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ModelError> Errors { get; }
}
