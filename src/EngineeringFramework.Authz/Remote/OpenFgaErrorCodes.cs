using System.Net;

namespace EngineeringFramework.Authz.Remote;

/// <summary>
/// OpenFGA's error codes as its HTTP API spells them (<c>{"code":"type_not_found"}</c>) and the status each is
/// answered with: validation codes (2000-3499) are 400, not-found codes (5000 and up) are 404.
/// </summary>
public static class OpenFgaErrorCodes
{
    private static readonly Dictionary<AuthzErrorCode, string> Names = new()
    {
        [AuthzErrorCode.ValidationError] = "validation_error",
        [AuthzErrorCode.AuthorizationModelNotFound] = "authorization_model_not_found",
        [AuthzErrorCode.ResolutionTooComplex] = "authorization_model_resolution_too_complex",
        [AuthzErrorCode.DuplicateTuplesInOneRequest] = "cannot_allow_duplicate_tuples_in_one_request",
        [AuthzErrorCode.WriteFailedDueToInvalidInput] = "write_failed_due_to_invalid_input",
        [AuthzErrorCode.TypeNotFound] = "type_not_found",
        [AuthzErrorCode.RelationNotFound] = "relation_not_found",
        [AuthzErrorCode.InvalidTuple] = "invalid_tuple",
        [AuthzErrorCode.ExceededEntityLimit] = "exceeded_entity_limit",
        [AuthzErrorCode.InvalidAuthorizationModel] = "invalid_authorization_model",
        [AuthzErrorCode.StoreNotFound] = "store_id_not_found",
    };

    private static readonly Dictionary<string, AuthzErrorCode> Codes = BuildCodes();

    public static string Name(AuthzErrorCode code) => Names.TryGetValue(code, out var name) ? name : "validation_error";

    /// <summary>The code for a name the server sent; codes we have no value for count as a validation error.</summary>
    public static AuthzErrorCode FromName(string? name) =>
        name is not null && Codes.TryGetValue(name, out var code) ? code : AuthzErrorCode.ValidationError;

    public static HttpStatusCode Status(AuthzErrorCode code) =>
        (int)code >= 5000 ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest;

    private static Dictionary<string, AuthzErrorCode> BuildCodes()
    {
        var codes = Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

        // Names OpenFGA uses for the same conditions our engine reports under one code.
        codes["latest_authorization_model_not_found"] = AuthzErrorCode.AuthorizationModelNotFound;
        codes["invalid_write_input"] = AuthzErrorCode.ValidationError;
        return codes;
    }
}
