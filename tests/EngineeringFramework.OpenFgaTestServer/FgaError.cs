using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>An error answered as OpenFGA answers it: an HTTP status and <c>{"code","message"}</c>.</summary>
internal sealed class FgaError : Exception
{
    public FgaError(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public FgaError()
        : this(400, "validation_error", "validation error")
    {
    }

    public FgaError(string message)
        : this(400, "validation_error", message)
    {
    }

    public FgaError(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Code = "validation_error";
    }

    public int Status { get; }

    public string Code { get; }

    public static FgaError Validation(string message) => new(400, "validation_error", message);

    public static FgaError StoreNotFound() => new(404, "store_id_not_found", "Store ID not found");

    /// <summary>The engine's error under OpenFGA's name and status for its code.</summary>
    public static FgaError From(AuthzException exception) =>
        new((int)OpenFgaErrorCodes.Status(exception.Code), OpenFgaErrorCodes.Name(exception.Code), exception.Message);
}
