namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// One stored relationship (OpenFGA tuple) in the product database, the source of truth for the embedded
/// engine. <see cref="OrganizationId"/> says whose it is (null for system tuples such as super-admins).
/// </summary>
public sealed class RelationshipTuple
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid? OrganizationId { get; init; }

    /// <summary><c>type:id</c>.</summary>
    public required string Object { get; init; }

    public required string Relation { get; init; }

    /// <summary><c>type:id</c>, <c>type:*</c> or <c>type:id#relation</c>.</summary>
    public required string User { get; init; }

    public DateTime CreatedAt { get; init; }
}

public enum TupleOperation
{
    Write,
    Delete,
}

/// <summary>
/// The outbox: every tuple write or delete, in commit order, recorded in the same transaction as the
/// domain change that caused it. The in-process engine follows it; a remote OpenFGA can be fed from it.
/// </summary>
public sealed class TupleChange
{
    public long Sequence { get; init; }

    public TupleOperation Operation { get; init; }

    public required string Object { get; init; }

    public required string Relation { get; init; }

    public required string User { get; init; }

    public DateTime At { get; init; }

    /// <summary>When a remote OpenFGA acknowledged it; null while undelivered (or when no remote is configured).</summary>
    public DateTime? DeliveredAt { get; set; }
}
