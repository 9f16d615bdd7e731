using EngineeringFramework.Core.Checklists;
using FluentValidation;

namespace EngineeringFramework.Core.Departments;

public sealed record CreateDepartmentRequest(string Name, string? Description = null);

/// <summary>Replaces the name and description (a null description clears it).</summary>
public sealed record UpdateDepartmentRequest(string Name, string? Description = null);

public sealed record ListDepartmentsRequest(int Limit = 50, string? Cursor = null);

/// <summary>What happens to a department's projects when it is deleted. Nothing is ever destroyed implicitly.</summary>
public enum ProjectsOnDelete
{
    /// <summary>Refuse (conflict) while the department still has projects.</summary>
    Refuse,

    /// <summary>Move the projects to <see cref="DeleteDepartmentRequest.MoveToDepartmentId"/> (same organization).</summary>
    MoveTo,

    /// <summary>Delete the projects, their checklists and history with the department.</summary>
    DeleteProjects,
}

public sealed record DeleteDepartmentRequest(ProjectsOnDelete Projects = ProjectsOnDelete.Refuse, Guid? MoveToDepartmentId = null);

public sealed record DepartmentSummary(Guid Id, string Name, string? Description, int ProjectCount, DateTime CreatedAt);

/// <summary>One page of departments; pass <see cref="NextCursor"/> back to read the next page (null on the last one).</summary>
public sealed record DepartmentPage(IReadOnlyList<DepartmentSummary> Items, string? NextCursor);

internal sealed class CreateDepartmentValidator : AbstractValidator<CreateDepartmentRequest>
{
    public CreateDepartmentValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
        RuleFor(r => r.Description).Cascade(CascadeMode.Stop).MaximumLength(4000).Storable();
    }
}

internal sealed class UpdateDepartmentValidator : AbstractValidator<UpdateDepartmentRequest>
{
    public UpdateDepartmentValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
        RuleFor(r => r.Description).Cascade(CascadeMode.Stop).MaximumLength(4000).Storable();
    }
}

internal sealed class ListDepartmentsValidator : AbstractValidator<ListDepartmentsRequest>
{
    public ListDepartmentsValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        RuleFor(r => r.Cursor!).Must(c => DepartmentCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}

internal sealed class DeleteDepartmentValidator : AbstractValidator<DeleteDepartmentRequest>
{
    public DeleteDepartmentValidator()
    {
        RuleFor(r => r.Projects).IsInEnum();
        RuleFor(r => r.MoveToDepartmentId).NotNull().NotEqual(Guid.Empty).When(r => r.Projects == ProjectsOnDelete.MoveTo)
            .WithMessage("'MoveToDepartmentId' names the department that receives the projects.");
        RuleFor(r => r.MoveToDepartmentId).Null().When(r => r.Projects != ProjectsOnDelete.MoveTo)
            .WithMessage("'MoveToDepartmentId' is only allowed when projects are moved.");
    }
}
