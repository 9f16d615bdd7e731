using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;

namespace EngineeringFramework.Server.Api.Projects;

/// <summary>
/// The body of <c>PUT …/projects/{id}</c>: a replacement, so every editable field must be sent (a null clears
/// description, leadUserId or targetDate). A field left out is refused, naming it, instead of silently taking a
/// default: a PUT without <c>status</c> used to un-archive the project. To change some fields only, PATCH.
/// </summary>
[EveryPropertyRequired]
internal sealed record ProjectReplacement
{
    public Optional<string> Name { get; init; }

    public Optional<string?> Description { get; init; }

    public Optional<Guid?> LeadUserId { get; init; }

    public Optional<DateOnly?> TargetDate { get; init; }

    public Optional<ProjectStatus> Status { get; init; }

    /// <summary>The use case's request, or a validation failure naming each field left out.</summary>
    public UpdateProjectRequest ToUpdateRequest()
    {
        var failures = new List<ValidationFailure>();
        Require(Name, nameof(Name), failures);
        Require(Description, nameof(Description), failures);
        Require(LeadUserId, nameof(LeadUserId), failures);
        Require(TargetDate, nameof(TargetDate), failures);
        Require(Status, nameof(Status), failures);
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        // A null name reaches the use case's validator as empty, which reports it by name.
        return new UpdateProjectRequest(Name.Value ?? string.Empty, Description.Value, LeadUserId.Value, TargetDate.Value, Status.Value);
    }

    private static void Require<T>(Optional<T> field, string name, List<ValidationFailure> failures)
    {
        if (!field.IsPresent)
        {
            failures.Add(new ValidationFailure(name, $"'{name}' is required: PUT replaces every field (send null to clear a nullable one, or use PATCH to change some)."));
        }
    }
}
