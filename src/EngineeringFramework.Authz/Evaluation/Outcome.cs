namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// The result of one step of Check. <see cref="Cycle"/> is "false because the path looped": it must be kept
/// apart from <see cref="False"/> because OpenFGA makes a cycle under an intersection or a subtraction false too.
/// <see cref="Error"/> means resolution was too deep; a union still succeeds if another operand is true.
/// </summary>
internal enum Outcome : byte
{
    False,
    True,
    Cycle,
    Error,
}
