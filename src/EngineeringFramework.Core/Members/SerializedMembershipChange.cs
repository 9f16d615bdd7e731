using System.Data;
using System.Data.Common;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// Runs a membership change whose rule reads other rows ("is this the last admin?") in a serializable
/// transaction. Two admins demoting each other at once would otherwise both see a second admin and leave
/// none; PostgreSQL aborts one of them (reported as a conflict), SQLite runs them one after the other.
/// </summary>
internal static class SerializedMembershipChange
{
    public static async Task RunAsync(AppDbContext db, Func<Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            await change();
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (IsSerializationFailure(e))
        {
            throw new ConflictException("The organization's members changed at the same time; try again.");
        }
    }

    private static bool IsSerializationFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DbException { SqlState: "40001" })
            {
                return true;
            }
        }

        return false;
    }
}
