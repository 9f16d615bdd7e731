namespace EngineeringFramework.Authz.Storage;

/// <summary>
/// A compact, thread-safe in-memory <see cref="ITupleStore"/>. Strings are interned to ints; a forward index
/// (object#relation → users) serves Check and ListUsers, a reverse index (user, object type, relation → object ids)
/// serves ListObjects. A reader-writer lock lets reads run concurrently and keeps each write atomic.
/// </summary>
public sealed class InMemoryTupleStore : ITupleStore, IDisposable
{
    private readonly NamePool _names = new();
    private readonly NamePool _ids = new();
    private readonly Dictionary<ObjectRelationKey, IdList<StoredUser>> _forward = [];
    private readonly Dictionary<ReverseKey, IdList<int>> _reverse = [];
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void ReadUsers(string objectType, string objectId, string relation, List<TupleUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        _lock.EnterReadLock();
        try
        {
            if (TryFindBucket(objectType, objectId, relation, out var bucket))
            {
                foreach (var user in bucket.Items)
                {
                    users.Add(ToUser(user));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void ReadUsersOfType(string objectType, string objectId, string relation, string userType, List<TupleUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        _lock.EnterReadLock();
        try
        {
            var type = _names.Find(userType);
            if (type != 0 && TryFindBucket(objectType, objectId, relation, out var bucket))
            {
                foreach (var user in bucket.Items)
                {
                    if (user.Type == type)
                    {
                        users.Add(ToUser(user));
                    }
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void ReadObjects(string objectType, string relation, TupleUser user, List<string> objectIds)
    {
        ArgumentNullException.ThrowIfNull(objectIds);
        _lock.EnterReadLock();
        try
        {
            if (TryFind(user, out var stored)
                && _names.Find(objectType) is var type and not 0
                && _names.Find(relation) is var rel and not 0
                && _reverse.TryGetValue(new ReverseKey(stored, type, rel), out var bucket))
            {
                foreach (var id in bucket.Items)
                {
                    objectIds.Add(_ids[id]);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public bool Contains(string objectType, string objectId, string relation, TupleUser user)
    {
        _lock.EnterReadLock();
        try
        {
            return TryFind(user, out var stored)
                && TryFindBucket(objectType, objectId, relation, out var bucket)
                && bucket.Contains(stored);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Write(IReadOnlyList<TupleKey> writes, IReadOnlyList<TupleKey> deletes, WriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(deletes);
        ArgumentNullException.ThrowIfNull(options);
        var parsedWrites = ParseAll(writes);
        var parsedDeletes = ParseAll(deletes);
        _lock.EnterWriteLock();
        try
        {
            // Verify everything first so a rejected request changes nothing.
            var toDelete = new List<(ObjectRelationKey, StoredUser)>(parsedDeletes.Count);
            for (var i = 0; i < parsedDeletes.Count; i++)
            {
                var (key, user) = Intern(parsedDeletes[i]);
                if (_forward.TryGetValue(key, out var bucket) && bucket.Contains(user))
                {
                    toDelete.Add((key, user));
                }
                else if (!options.IgnoreMissingDeletes)
                {
                    throw new AuthzException(AuthzErrorCode.WriteFailedDueToInvalidInput, $"cannot delete a tuple which does not exist: {deletes[i]}");
                }
            }

            var toWrite = new List<(ObjectRelationKey, StoredUser)>(parsedWrites.Count);
            for (var i = 0; i < parsedWrites.Count; i++)
            {
                var (key, user) = Intern(parsedWrites[i]);
                var deletedHere = toDelete.Contains((key, user));
                if (!deletedHere && _forward.TryGetValue(key, out var bucket) && bucket.Contains(user))
                {
                    if (!options.IgnoreDuplicateWrites)
                    {
                        throw new AuthzException(AuthzErrorCode.WriteFailedDueToInvalidInput, $"cannot write a tuple which already exists: {writes[i]}");
                    }

                    continue;
                }

                toWrite.Add((key, user));
            }

            foreach (var (key, user) in toDelete)
            {
                Remove(key, user);
            }

            foreach (var (key, user) in toWrite)
            {
                Add(key, user);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public IReadOnlyList<TupleKey> Read(ReadRequest filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = new List<TupleKey>();
        _lock.EnterReadLock();
        try
        {
            foreach (var (key, bucket) in _forward)
            {
                var objectText = _names[key.Type] + ":" + _ids[key.Id];
                if (!MatchesObject(filter.Object, objectText) || (filter.Relation is not null && filter.Relation != _names[key.Relation]))
                {
                    continue;
                }

                foreach (var user in bucket.Items)
                {
                    var userText = ToUser(user).ToString();
                    if (filter.User is null || filter.User == userText)
                    {
                        result.Add(new TupleKey(objectText, _names[key.Relation], userText));
                    }
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    public void Dispose() => _lock.Dispose();

    private static bool MatchesObject(string? filter, string objectText) =>
        filter is null
        || (filter.EndsWith(':') ? objectText.StartsWith(filter, StringComparison.Ordinal) : filter == objectText);

    private static List<(string Type, string Id, string Relation, TupleUser User)> ParseAll(IReadOnlyList<TupleKey> tuples)
    {
        var result = new List<(string, string, string, TupleUser)>(tuples.Count);
        foreach (var tuple in tuples)
        {
            if (!ObjectId.TryParse(tuple.Object, allowWildcard: false, out var type, out var id)
                || !TupleUser.TryParse(tuple.User, out var user)
                || !ObjectId.IsName(tuple.Relation))
            {
                throw new AuthzException(AuthzErrorCode.InvalidTuple, $"invalid tuple {tuple}");
            }

            result.Add((type, id, tuple.Relation, user));
        }

        return result;
    }

    private (ObjectRelationKey, StoredUser) Intern((string Type, string Id, string Relation, TupleUser User) tuple) =>
        (new ObjectRelationKey(_names.GetOrAdd(tuple.Type), _ids.GetOrAdd(tuple.Id), _names.GetOrAdd(tuple.Relation)),
         new StoredUser(_names.GetOrAdd(tuple.User.Type), _ids.GetOrAdd(tuple.User.Id), tuple.User.Relation is null ? 0 : _names.GetOrAdd(tuple.User.Relation)));

    private void Add(ObjectRelationKey key, StoredUser user)
    {
        if (!_forward.TryGetValue(key, out var users))
        {
            users = new IdList<StoredUser>();
            _forward.Add(key, users);
        }

        users.Add(user);
        var reverseKey = new ReverseKey(user, key.Type, key.Relation);
        if (!_reverse.TryGetValue(reverseKey, out var objects))
        {
            objects = new IdList<int>();
            _reverse.Add(reverseKey, objects);
        }

        objects.Add(key.Id);
        Interlocked.Increment(ref _count);
    }

    private void Remove(ObjectRelationKey key, StoredUser user)
    {
        if (_forward.TryGetValue(key, out var users) && users.Remove(user))
        {
            if (users.Count == 0)
            {
                _forward.Remove(key);
            }

            var reverseKey = new ReverseKey(user, key.Type, key.Relation);
            if (_reverse.TryGetValue(reverseKey, out var objects) && objects.Remove(key.Id) && objects.Count == 0)
            {
                _reverse.Remove(reverseKey);
            }

            Interlocked.Decrement(ref _count);
        }
    }

    private bool TryFindBucket(string objectType, string objectId, string relation, out IdList<StoredUser> bucket)
    {
        bucket = null!;
        var type = _names.Find(objectType);
        var id = _ids.Find(objectId);
        var rel = _names.Find(relation);
        return type != 0 && id != 0 && rel != 0 && _forward.TryGetValue(new ObjectRelationKey(type, id, rel), out bucket!);
    }

    private bool TryFind(TupleUser user, out StoredUser stored)
    {
        stored = default;
        var type = _names.Find(user.Type);
        var id = _ids.Find(user.Id);
        var rel = user.Relation is null ? 0 : _names.Find(user.Relation);
        if (type == 0 || id == 0 || (user.Relation is not null && rel == 0))
        {
            return false;
        }

        stored = new StoredUser(type, id, rel);
        return true;
    }

    private TupleUser ToUser(StoredUser user) =>
        new(_names[user.Type], _ids[user.Id], user.Relation == 0 ? null : _names[user.Relation]);
}
