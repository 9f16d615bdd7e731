using System.Linq.Expressions;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Which of a project's items a checklist read returns, written once for every query that reads items: a query calls
/// <see cref="Matches"/> and is passed through <see cref="Expand"/>, which puts the condition itself in its place.
/// </summary>
internal static class ItemFilter
{
    /// <summary>Statuses that end an item's work: such an item is never overdue.</summary>
    private const ChecklistItemStatus Done = ChecklistItemStatus.Done;
    private const ChecklistItemStatus NotApplicable = ChecklistItemStatus.NotApplicable;

    /// <summary>
    /// A null criterion does not filter: EF Core caches one statement per pattern of null parameters and leaves the
    /// unused conditions out of it. Overdue is spelled out both ways rather than negated, so an item without a due date
    /// is plainly not overdue (SQL's NOT over a NULL comparison would drop it from both lists).
    /// </summary>
    private static readonly Expression<Func<ChecklistItem, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool?, DateOnly, bool>> Condition =
        (i, projectId, status, assignee, dueBefore, overdue, today) =>
            i.ProjectId == projectId
            && (status == null || i.Status == status)
            && (assignee == null || i.AssigneeUserId == assignee)
            && (dueBefore == null || (i.DueDate != null && i.DueDate < dueBefore))
            && (overdue == null
                || (overdue == true && i.DueDate != null && i.DueDate < today && i.Status != Done && i.Status != NotApplicable)
                || (overdue == false && (i.DueDate == null || i.DueDate >= today || i.Status == Done || i.Status == NotApplicable)));

    /// <summary>Stands for the condition inside a query given to <see cref="Expand"/>; never runs.</summary>
    public static bool Matches(ChecklistItem item, Guid projectId, ChecklistItemStatus? status, Guid? assigneeUserId, DateOnly? dueBefore, bool? overdue, DateOnly today)
        => throw new NotSupportedException($"Only inside a query passed through {nameof(ItemFilter)}.{nameof(Expand)}.");

    /// <summary>The query with every call to <see cref="Matches"/> replaced by the condition over the call's arguments.</summary>
    public static Expression<T> Expand<T>(Expression<T> query) => (Expression<T>)new Expander().Visit(query);

    private sealed class Expander : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(ItemFilter) || node.Method.Name != nameof(Matches))
            {
                return base.VisitMethodCall(node);
            }

            var arguments = node.Arguments.Select(Visit).ToList();
            return new Substitution(Condition.Parameters.Zip(arguments!).ToDictionary(p => p.First, p => p.Second!)).Visit(Condition.Body);
        }
    }

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => values.TryGetValue(node, out var value) ? value : node;
    }
}
