namespace EngineeringFramework.Authz.Storage;

/// <summary>A tuple's user as interned ids: type, id, and relation (0 for none).</summary>
internal readonly record struct StoredUser(int Type, int Id, int Relation);

/// <summary>The object-and-relation side of a tuple as interned ids.</summary>
internal readonly record struct ObjectRelationKey(int Type, int Id, int Relation);

/// <summary>Key of the reverse index: a user and the object type and relation it is related by.</summary>
internal readonly record struct ReverseKey(StoredUser User, int ObjectType, int Relation);
