namespace EngineeringFramework.Authz.Storage;

/// <summary>
/// Where tuples live. Reads append into caller-owned lists so the evaluator can reuse buffers on hot paths.
/// Implementations must allow concurrent reads with writes; <see cref="Write"/> is all or nothing.
/// Tuples are stored as given: checking them against a model is the engine's job.
/// </summary>
public interface ITupleStore
{
    /// <summary>Appends every user stored for <c>objectType:objectId#relation</c>.</summary>
    void ReadUsers(string objectType, string objectId, string relation, List<TupleUser> users);

    /// <summary>Appends the users of <c>objectType:objectId#relation</c> whose type is <paramref name="userType"/>.</summary>
    void ReadUsersOfType(string objectType, string objectId, string relation, string userType, List<TupleUser> users);

    /// <summary>Reverse lookup: appends ids of objects of <paramref name="objectType"/> where <paramref name="user"/> (exactly) has <paramref name="relation"/>.</summary>
    void ReadObjects(string objectType, string relation, TupleUser user, List<string> objectIds);

    bool Contains(string objectType, string objectId, string relation, TupleUser user);

    /// <summary>
    /// Applies deletes then writes atomically. Throws <see cref="AuthzException"/> (2017) when a written tuple exists
    /// or a deleted one is missing, unless the options say to ignore that.
    /// </summary>
    void Write(IReadOnlyList<TupleKey> writes, IReadOnlyList<TupleKey> deletes, WriteOptions options);

    /// <summary>Tuples matching a filter (for the Read API; not a hot path).</summary>
    IReadOnlyList<TupleKey> Read(ReadRequest filter);

    long Count { get; }
}
