namespace EngineeringFramework.Authz;

/// <summary>The subset of OpenFGA's error codes this engine raises, with OpenFGA's numeric values.</summary>
public enum AuthzErrorCode
{
    ValidationError = 2000,
    AuthorizationModelNotFound = 2001,
    ResolutionTooComplex = 2002,
    DuplicateTuplesInOneRequest = 2004,
    WriteFailedDueToInvalidInput = 2017,
    TypeNotFound = 2021,
    RelationNotFound = 2022,
    InvalidTuple = 2027,
    ExceededEntityLimit = 2053,
    InvalidAuthorizationModel = 2056,

    /// <summary>OpenFGA's <c>store_id_not_found</c> (a not-found code, answered with HTTP 404).</summary>
    StoreNotFound = 5002,
}
