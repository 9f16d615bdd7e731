using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// Reads for one request: the store plus that request's contextual tuples, which count as stored.
/// Only tuples that still fit the model are returned (OpenFGA ignores the rest rather than failing).
/// </summary>
internal sealed class TupleReader
{
    private readonly ITupleStore _store;
    private readonly List<ContextualTuple> _contextual;

    public TupleReader(ITupleStore store, List<ContextualTuple> contextual)
    {
        _store = store;
        _contextual = contextual;
    }

    /// <summary>Appends the users of object#relation that the relation's type restrictions accept.</summary>
    public void ReadUsers(string objectType, string objectId, RelationInfo relation, List<TupleUser> users)
    {
        var start = users.Count;
        _store.ReadUsers(objectType, objectId, relation.Name, users);
        foreach (var tuple in _contextual)
        {
            if (tuple.Id == objectId && tuple.Type == objectType && tuple.Relation == relation.Name)
            {
                users.Add(tuple.User);
            }
        }

        RemoveRejected(users, start, relation);
    }

    /// <summary>Whether the exact tuple exists and fits the model.</summary>
    public bool Contains(string objectType, string objectId, RelationInfo relation, in TupleUser user)
    {
        if (!relation.Accepts(user))
        {
            return false;
        }

        foreach (var tuple in _contextual)
        {
            if (tuple.Id == objectId && tuple.Type == objectType && tuple.Relation == relation.Name && tuple.User == user)
            {
                return true;
            }
        }

        return _store.Contains(objectType, objectId, relation.Name, user);
    }

    /// <summary>Appends ids of objects of the relation's type on which the user (exactly) has the relation.</summary>
    public void ReadObjects(RelationInfo relation, in TupleUser user, List<string> objectIds)
    {
        if (!relation.Accepts(user))
        {
            return;
        }

        _store.ReadObjects(relation.Type, relation.Name, user, objectIds);
        foreach (var tuple in _contextual)
        {
            if (tuple.Type == relation.Type && tuple.Relation == relation.Name && tuple.User == user)
            {
                objectIds.Add(tuple.Id);
            }
        }
    }

    private static void RemoveRejected(List<TupleUser> users, int start, RelationInfo relation)
    {
        var write = start;
        for (var read = start; read < users.Count; read++)
        {
            if (relation.Accepts(users[read]))
            {
                users[write++] = users[read];
            }
        }

        users.RemoveRange(write, users.Count - write);
    }
}

/// <summary>A contextual tuple, parsed once per request.</summary>
internal readonly record struct ContextualTuple(string Type, string Id, string Relation, TupleUser User);
