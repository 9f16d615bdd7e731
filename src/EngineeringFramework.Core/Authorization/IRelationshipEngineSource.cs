using EngineeringFramework.Authz;
using EngineeringFramework.Core.Data;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Where a request's permission questions go: the embedded engine (a mirror of the database) or a remote OpenFGA.
/// Asked once per request, before its first check; the engine it returns already knows every committed change.
/// </summary>
public interface IRelationshipEngineSource
{
    /// <exception cref="AuthorizationUnavailableException">The engine cannot be brought up to date now (remote OpenFGA unreachable).</exception>
    Task<IAuthorizationEngine> ReadyAsync(AppDbContext db, CancellationToken cancellationToken);
}

/// <summary>The embedded default: the in-memory mirror catches up with the outbox.</summary>
internal sealed class EmbeddedEngineSource(EmbeddedRelationshipEngine embedded) : IRelationshipEngineSource
{
    public Task<IAuthorizationEngine> ReadyAsync(AppDbContext db, CancellationToken cancellationToken) => embedded.CatchUpAsync(db, cancellationToken);
}
