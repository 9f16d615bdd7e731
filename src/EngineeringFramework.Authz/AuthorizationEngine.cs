using System.Collections.Concurrent;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Evaluation;
using EngineeringFramework.Authz.Model;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz;

/// <summary>
/// The in-process OpenFGA-compatible engine over an <see cref="ITupleStore"/>. Answers are computed
/// synchronously (the store is in memory), so the async methods complete immediately; the synchronous
/// methods are public for callers that want to avoid the ValueTask wrapper.
/// </summary>
public sealed class AuthorizationEngine : IAuthorizationEngine
{
    public const int MaxTuplesPerWrite = 100;

    [ThreadStatic]
    private static Checker? _pooledChecker;

    private readonly ITupleStore _store;
    private readonly TupleReader _storeOnly;
    private readonly ConcurrentDictionary<string, TypeSystem> _models = new(StringComparer.Ordinal);
    private volatile TypeSystem? _latest;

    public AuthorizationEngine(ITupleStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _storeOnly = new TupleReader(store, []);
    }

    public ITupleStore Store => _store;

    /// <summary>Parses DSL, validates and stores the model; throws <see cref="InvalidModelException"/> with every problem.</summary>
    public string WriteModel(string dsl) => WriteModel(DslParser.ParseAndValidate(dsl));

    public string WriteModel(AuthorizationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = ModelValidator.Validate(model);
        if (errors.Count > 0)
        {
            throw new InvalidModelException(errors);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var types = new TypeSystem(id, model);
        _models[id] = types;
        _latest = types;
        return id;
    }

    public StoredModel? ReadModel(string? modelId = null) =>
        TryResolve(modelId) is { } types ? new StoredModel(types.Id, types.Model) : null;

    public CheckResult Check(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var types = Resolve(request.ModelId);
        var user = RequestValidator.ParseQueryUser(types, request.User);
        var (type, id, relation) = RequestValidator.ParseCheckTarget(types, request.Object, request.Relation);
        var checker = RentChecker(types, ReaderFor(types, request.ContextualTuples));
        try
        {
            return checker.Check(user, type, id, relation) ? Allowed : Denied;
        }
        finally
        {
            _pooledChecker = checker;
        }
    }

    public IReadOnlyList<BatchCheckResult> BatchCheck(IReadOnlyList<CheckRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new BatchCheckResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                results[i] = new BatchCheckResult(requests[i], Check(requests[i]).Allowed, null);
            }
            catch (AuthzException ex)
            {
                results[i] = new BatchCheckResult(requests[i], false, ex);
            }
        }

        return results;
    }

    public ListObjectsResult ListObjects(ListObjectsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var types = Resolve(request.ModelId);
        var target = RequestValidator.RequireRelation(types, request.Type, request.Relation);
        var user = RequestValidator.ParseQueryUser(types, request.User);
        var reader = ReaderFor(types, request.ContextualTuples);
        var lister = new ObjectLister(types, reader, new Checker(types, reader));
        return new ListObjectsResult(lister.List(user, target, request.MaxResults));
    }

    public ListUsersResult ListUsers(ListUsersRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var types = Resolve(request.ModelId);
        var reader = ReaderFor(types, request.ContextualTuples);
        if (request.UserFilters.Count == 0)
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, "at least one user filter is required");
        }

        foreach (var filter in request.UserFilters)
        {
            RequestValidator.ValidateFilter(types, filter);
        }

        if (!ObjectId.TryParse(request.Object, allowWildcard: false, out var type, out var id))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, $"invalid 'object' field: '{request.Object}'");
        }

        var relation = RequestValidator.RequireRelation(types, type, request.Relation);
        var lister = new UserLister(types, reader, new Checker(types, reader), request.UserFilters);
        return new ListUsersResult(lister.List(type, id, relation));
    }

    public void Write(WriteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Writes.Count + request.Deletes.Count > MaxTuplesPerWrite)
        {
            throw new AuthzException(AuthzErrorCode.ExceededEntityLimit, $"the number of writes and deletes exceeds the allowed limit of {MaxTuplesPerWrite}");
        }

        RejectDuplicates(request.Writes, request.Deletes);
        if (request.Writes.Count > 0)
        {
            var types = Resolve(request.ModelId);
            foreach (var tuple in request.Writes)
            {
                RequestValidator.ValidateForWrite(types, tuple);
            }
        }

        _store.Write(request.Writes, request.Deletes, request.Options);
    }

    public ReadResult Read(ReadRequest request) => new(_store.Read(request));

    public ValueTask<string> WriteModelAsync(AuthorizationModel model, CancellationToken cancellationToken = default) =>
        new(WriteModel(model));

    public ValueTask<StoredModel?> ReadModelAsync(string? modelId = null, CancellationToken cancellationToken = default) =>
        new(ReadModel(modelId));

    public ValueTask<CheckResult> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        new(Check(request));

    public ValueTask<IReadOnlyList<BatchCheckResult>> BatchCheckAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default) =>
        new(BatchCheck(requests));

    public ValueTask<ListObjectsResult> ListObjectsAsync(ListObjectsRequest request, CancellationToken cancellationToken = default) =>
        new(ListObjects(request));

    public ValueTask<ListUsersResult> ListUsersAsync(ListUsersRequest request, CancellationToken cancellationToken = default) =>
        new(ListUsers(request));

    public ValueTask WriteAsync(WriteRequest request, CancellationToken cancellationToken = default)
    {
        Write(request);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken = default) =>
        new(Read(request));

    private static readonly CheckResult Allowed = new(true);
    private static readonly CheckResult Denied = new(false);

    private static Checker RentChecker(TypeSystem types, TupleReader reader)
    {
        var checker = _pooledChecker ?? new Checker(types, reader);
        _pooledChecker = null;
        checker.Reset(types, reader);
        return checker;
    }

    private static void RejectDuplicates(IReadOnlyList<TupleKey> writes, IReadOnlyList<TupleKey> deletes)
    {
        var seen = new HashSet<TupleKey>();
        foreach (var tuple in writes)
        {
            if (!seen.Add(tuple))
            {
                throw new AuthzException(AuthzErrorCode.DuplicateTuplesInOneRequest, $"duplicate tuple in write request: {tuple}");
            }
        }

        foreach (var tuple in deletes)
        {
            if (!seen.Add(tuple))
            {
                throw new AuthzException(AuthzErrorCode.DuplicateTuplesInOneRequest, $"duplicate tuple in write request: {tuple}");
            }
        }
    }

    private TupleReader ReaderFor(TypeSystem types, IReadOnlyList<TupleKey> contextual) =>
        contextual.Count == 0 ? _storeOnly : new TupleReader(_store, RequestValidator.ParseContextual(types, contextual));

    private TypeSystem? TryResolve(string? modelId) =>
        modelId is null ? _latest : _models.GetValueOrDefault(modelId);

    private TypeSystem Resolve(string? modelId) =>
        TryResolve(modelId) ?? throw new AuthzException(AuthzErrorCode.AuthorizationModelNotFound,
            modelId is null ? "no authorization model has been written" : $"authorization model '{modelId}' not found");
}
