using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.UseCases;
using FluentValidation;

namespace EngineeringFramework.Core.Projects;

public sealed record CreateProjectRequest(Guid DepartmentId, string Name, string? Description = null, Guid? LeadUserId = null, DateOnly? TargetDate = null);

/// <summary>Replaces the project's editable fields (read, change, send back; a null clears a field).</summary>
public sealed record UpdateProjectRequest(string Name, string? Description = null, Guid? LeadUserId = null, DateOnly? TargetDate = null, ProjectStatus Status = ProjectStatus.Active);

/// <summary>
/// Changes only the fields that are present (merge-patch): an absent field keeps its value, a present null
/// clears a nullable one (description, lead, target date). Name and status, when present, may not be null.
/// </summary>
public sealed record PatchProjectRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string?> Description { get; init; }

    public Optional<Guid?> LeadUserId { get; init; }

    public Optional<DateOnly?> TargetDate { get; init; }

    public Optional<ProjectStatus> Status { get; init; }
}

/// <summary>Moves a project, with its checklist and history, to another department of the same organization.</summary>
public sealed record MoveProjectRequest(Guid DepartmentId);

/// <summary>Filters combine with AND; projects come sorted by name, then id.</summary>
public sealed record ListProjectsRequest(Guid? DepartmentId = null, ProjectStatus? Status = null, Guid? LeadUserId = null, int Limit = 50, string? Cursor = null);

public sealed record ProjectSummary(
    Guid Id,
    Guid DepartmentId,
    string Name,
    string? Description,
    Guid? LeadUserId,
    DateOnly? TargetDate,
    ProjectStatus Status,
    Guid? FrameworkVersionId,
    DateTime CreatedAt);

/// <summary>A project as lists show it: its fields and its overall progress.</summary>
public sealed record ProjectListItem(
    Guid Id,
    Guid DepartmentId,
    string Name,
    string? Description,
    Guid? LeadUserId,
    DateOnly? TargetDate,
    ProjectStatus Status,
    Guid? FrameworkVersionId,
    DateTime CreatedAt,
    Progress Progress);

/// <summary>One page of projects; pass <see cref="NextCursor"/> back to read the next page (null on the last one).</summary>
public sealed record ProjectPage(IReadOnlyList<ProjectListItem> Items, string? NextCursor);

/// <summary>
/// Progress over the <em>required</em> (non-optional) items: <see cref="Done"/> and <see cref="NotApplicable"/>
/// both count as complete. <see cref="Percent"/> is rounded down, so 100 means nothing required is left; a
/// scope with no required items is 100.
/// </summary>
public sealed record Progress(int Done, int NotApplicable, int Required, int Percent)
{
    internal static Progress Of(int done, int notApplicable, int required)
        => new(done, notApplicable, required, required == 0 ? 100 : (done + notApplicable) * 100 / required);
}

public sealed record CategoryProgress(string Slug, string Name, int Order, Progress Progress);

public sealed record ProjectDetails(ProjectSummary Project, Progress Progress, IReadOnlyList<CategoryProgress> Categories);

internal sealed class CreateProjectValidator : AbstractValidator<CreateProjectRequest>
{
    public CreateProjectValidator()
    {
        RuleFor(r => r.DepartmentId).NotEmpty();
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
        RuleFor(r => r.Description).Cascade(CascadeMode.Stop).MaximumLength(4000).Storable();
        RuleFor(r => r.LeadUserId).NotEqual(Guid.Empty);
    }
}

internal sealed class UpdateProjectValidator : AbstractValidator<UpdateProjectRequest>
{
    public UpdateProjectValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
        RuleFor(r => r.Description).Cascade(CascadeMode.Stop).MaximumLength(4000).Storable();
        RuleFor(r => r.LeadUserId).NotEqual(Guid.Empty);
        RuleFor(r => r.Status).IsInEnum();
    }
}

internal sealed class PatchProjectValidator : AbstractValidator<PatchProjectRequest>
{
    public PatchProjectValidator()
    {
        // Rules read the value inside the Optional but report the field by its own name.
        When(r => r.Name.IsPresent, () =>
            RuleFor(r => r.Name.Value).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("'Name' must not be null; leave it out to keep the current name.")
                .Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.")
                .MaximumLength(200).Storable()
                .OverridePropertyName(nameof(PatchProjectRequest.Name)));
        When(r => r.Description.IsPresent, () =>
            RuleFor(r => r.Description.Value).Cascade(CascadeMode.Stop).MaximumLength(4000).Storable()
                .OverridePropertyName(nameof(PatchProjectRequest.Description)));
        When(r => r.LeadUserId.IsPresent, () =>
            RuleFor(r => r.LeadUserId.Value).NotEqual(Guid.Empty).OverridePropertyName(nameof(PatchProjectRequest.LeadUserId)));
        When(r => r.Status.IsPresent, () =>
            RuleFor(r => r.Status.Value).IsInEnum().OverridePropertyName(nameof(PatchProjectRequest.Status)));
    }
}

internal sealed class MoveProjectValidator : AbstractValidator<MoveProjectRequest>
{
    public MoveProjectValidator() => RuleFor(r => r.DepartmentId).NotEmpty();
}

internal sealed class ListProjectsValidator : AbstractValidator<ListProjectsRequest>
{
    public ListProjectsValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        RuleFor(r => r.Status).IsInEnum();
        RuleFor(r => r.Cursor!).Must(c => ProjectCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}
