using EngineeringFramework.Core.Checklists;
using FluentValidation;

namespace EngineeringFramework.Core.MyWork;

/// <summary>
/// Which of the caller's assigned items to list. Without <see cref="Status"/> only open items come (not started or in
/// progress) unless <see cref="IncludeClosed"/> asks for done and not applicable ones too; with it, only that status.
/// </summary>
public sealed record MyWorkRequest(Guid? ProjectId = null, ChecklistItemStatus? Status = null, bool IncludeClosed = false);

/// <summary>
/// When an item is due, as My work groups it. <see cref="Overdue"/>: open and due before today; <see cref="ThisWeek"/>:
/// due today or in the six days after it; <see cref="Later"/>: due after that; <see cref="NoDate"/>: no due date;
/// <see cref="Earlier"/>: done or not applicable and due before today (only when closed items are asked for).
/// </summary>
public enum MyWorkDue
{
    Overdue,
    ThisWeek,
    Later,
    NoDate,
    Earlier,
}

/// <summary>
/// One item assigned to the caller, with the project it belongs to and its whole editable state, so a surface can send a
/// status change back at the version it read.
/// </summary>
public sealed record MyWorkItem(
    Guid ProjectId,
    string ProjectName,
    string CategoryName,
    string SubcategoryName,
    MyWorkDue Due,
    ChecklistItemView Item);

/// <summary>A group of My work, in the order of <see cref="MyWorkDue"/>; within it, by due date, then project and item name.</summary>
public sealed record MyWorkGroup(MyWorkDue Due, IReadOnlyList<MyWorkItem> Items);

/// <summary>The caller's assigned items, grouped by when they are due (empty groups left out), and the day "today" was.</summary>
public sealed record MyWorkList(DateOnly Today, int Total, IReadOnlyList<MyWorkGroup> Groups);

internal sealed class MyWorkRequestValidator : AbstractValidator<MyWorkRequest>
{
    public MyWorkRequestValidator()
    {
        RuleFor(r => r.ProjectId).NotEqual(Guid.Empty);
        RuleFor(r => r.Status).IsInEnum();
    }
}
