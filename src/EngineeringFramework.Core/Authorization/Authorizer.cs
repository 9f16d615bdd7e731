using EngineeringFramework.Authz;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// The one door to the relationship engine for use cases. Scoped: the first question of a request brings
/// the engine up to date with every committed change (<see cref="IRelationshipEngineSource"/>).
/// </summary>
public sealed class Authorizer(AppDbContext db, IRelationshipEngineSource source)
{
    private IAuthorizationEngine? engine;

    public async Task<bool> CheckAsync(Caller caller, string relation, string @object, CancellationToken cancellationToken)
    {
        var current = await EngineAsync(cancellationToken);
        return (await current.CheckAsync(new CheckRequest(Fga.User(caller.UserId), relation, @object), cancellationToken)).Allowed;
    }

    /// <summary>The same question with tuples that count as stored for this check only (for example the caller's agent context).</summary>
    public async Task<bool> CheckAsync(Caller caller, string relation, string @object, IReadOnlyList<TupleKey> context, CancellationToken cancellationToken)
    {
        var current = await EngineAsync(cancellationToken);
        return (await current.CheckAsync(new CheckRequest(Fga.User(caller.UserId), relation, @object) { ContextualTuples = context }, cancellationToken)).Allowed;
    }

    /// <summary>
    /// Passes when the caller holds <paramref name="relation"/>. Otherwise an object the caller cannot even
    /// view is <see cref="NotFoundException"/> (ids of other tenants leak nothing), and one it can view is
    /// <see cref="ForbiddenException"/>.
    /// </summary>
    public async Task EnsureAsync(Caller caller, string relation, string @object, string viewRelation, string what, CancellationToken cancellationToken)
    {
        if (await CheckAsync(caller, relation, @object, cancellationToken))
        {
            return;
        }

        if (relation == viewRelation || !await CheckAsync(caller, viewRelation, @object, cancellationToken))
        {
            throw new NotFoundException(what);
        }

        throw new ForbiddenException($"You may not do this to the {what.ToLowerInvariant()}.");
    }

    public async Task<IReadOnlyList<string>> ListObjectsAsync(Caller caller, string relation, string type, CancellationToken cancellationToken)
    {
        var current = await EngineAsync(cancellationToken);
        return (await current.ListObjectsAsync(new ListObjectsRequest(Fga.User(caller.UserId), relation, type), cancellationToken)).Objects;
    }

    /// <summary>
    /// After this request committed relationship changes of its own: the next check brings the engine up to date again,
    /// so that an answer given in the same request reflects them.
    /// </summary>
    public void CatchUpBeforeNextCheck() => engine = null;

    private async Task<IAuthorizationEngine> EngineAsync(CancellationToken cancellationToken)
        => engine ??= await source.ReadyAsync(db, cancellationToken);
}
