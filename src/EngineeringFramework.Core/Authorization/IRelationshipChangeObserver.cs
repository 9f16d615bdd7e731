namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Told of every relationship change this process makes, so caches of permission decisions can forget
/// them at once. <c>userId</c> is the user the tuple names directly, or null when it names a user set or
/// an object (a change that may affect many users: forget everything).
/// </summary>
public interface IRelationshipChangeObserver
{
    void RelationshipChanged(Guid? userId);
}
