namespace EngineeringFramework.Core.UseCases;

/// <summary>The typed outcomes every surface maps once: REST to problem details, MCP to tool errors, UI to pages.</summary>
public abstract class UseCaseException(string message) : Exception(message);

/// <summary>The object does not exist, or the caller may not read it: the two are indistinguishable on purpose.</summary>
public sealed class NotFoundException(string what) : UseCaseException($"{what} was not found.");

/// <summary>The caller may read the object but not do this to it.</summary>
public sealed class ForbiddenException(string message) : UseCaseException(message);

/// <summary>The request conflicts with the current state (stale version, duplicate, last admin…).</summary>
public sealed class ConflictException(string message) : UseCaseException(message);

/// <summary>An <c>If-Match</c> style precondition named a version that is no longer current.</summary>
public sealed class PreconditionFailedException(string message) : UseCaseException(message);

/// <summary>
/// The caller may not use the value they sent in <see cref="Field"/>, because of who they are rather than what they
/// may see (an invitation sent to another address). Like <see cref="ForbiddenException"/>, but naming the field, so
/// every surface can say which input the refusal is about: REST answers 403 with the field in <c>errors</c>.
/// </summary>
public class FieldForbiddenException(string field, string message) : UseCaseException(message)
{
    /// <summary>The request property, as the use case's request record names it (<c>Token</c>).</summary>
    public string Field { get; } = field;
}
