namespace EngineeringFramework.Core.Checklists;

public enum ChecklistItemStatus
{
    NotStarted,
    InProgress,
    Done,
    NotApplicable,
}
