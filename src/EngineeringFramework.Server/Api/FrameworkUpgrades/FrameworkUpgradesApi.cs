using EngineeringFramework.Core.FrameworkUpgrades;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.FrameworkUpgrades;

/// <summary>Bringing projects to the organization's current framework version: preview, apply, a whole department, and the organization's policy.</summary>
internal static class FrameworkUpgradesApi
{
    public static IEndpointRouteBuilder MapFrameworkUpgradesApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapOrganizationGroup("/projects/{projectId:guid}/framework-upgrade", "Framework upgrades");
        project.MapGet("/", PreviewAsync).WithName("PreviewProjectUpgrade")
            .WithSummary("What upgrading the project to the organization's current framework version would do, item by item (added, updated, flagged for review, reset, retired, restored), with the framework diff. Changes nothing.");
        project.MapPost("/", ApplyAsync).WithName("ApplyProjectUpgrade")
            .WithSummary("Upgrade the project's checklist to the version previewed (toVersionId), in one transaction. 409 when that is no longer the current version, the project is already at it, is archived, or an item changed meanwhile.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        var department = endpoints.MapOrganizationGroup("/departments/{departmentId:guid}/framework-upgrade", "Framework upgrades");
        department.MapPost("/", UpgradeDepartmentAsync).WithName("UpgradeDepartmentProjects")
            .WithSummary("Upgrade every project of the department that is not archived to the version previewed (toVersionId), each in its own transaction; lists those upgraded, already current and skipped with the reason. Needs the permission to update all the organization's projects.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        var policy = endpoints.MapOrganizationGroup("/framework/upgrade-policy", "Framework upgrades");
        policy.MapGet("/", GetPolicyAsync).WithName("GetUpgradePolicy")
            .WithSummary("Whether an upgrade resets finished items whose definition changed (resetChangedItems true) or keeps them and flags them for review (false, the default).");
        policy.MapPut("/", SetPolicyAsync).WithName("SetUpgradePolicy")
            .WithSummary("Change the upgrade policy (admins).")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<Ok<ProjectUpgradePreview>> PreviewAsync(Guid orgId, Guid projectId, HttpContext context, ProjectUpgradeService upgrades, CancellationToken cancellationToken)
        => TypedResults.Ok(await upgrades.PreviewAsync(context.GetCaller(), orgId, projectId, cancellationToken));

    private static async Task<Ok<ProjectUpgradeResult>> ApplyAsync(Guid orgId, Guid projectId, ApplyProjectUpgradeRequest request, HttpContext context, ProjectUpgradeService upgrades, CancellationToken cancellationToken)
        => TypedResults.Ok(await upgrades.ApplyAsync(context.GetCaller(), orgId, projectId, request, cancellationToken));

    private static async Task<Ok<DepartmentUpgradeResult>> UpgradeDepartmentAsync(Guid orgId, Guid departmentId, UpgradeDepartmentRequest request, HttpContext context, ProjectUpgradeService upgrades, CancellationToken cancellationToken)
        => TypedResults.Ok(await upgrades.UpgradeDepartmentAsync(context.GetCaller(), orgId, departmentId, request, cancellationToken));

    private static async Task<Ok<UpgradePolicy>> GetPolicyAsync(Guid orgId, HttpContext context, ProjectUpgradeService upgrades, CancellationToken cancellationToken)
        => TypedResults.Ok(await upgrades.GetPolicyAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<UpgradePolicy>> SetPolicyAsync(Guid orgId, UpgradePolicy request, HttpContext context, ProjectUpgradeService upgrades, CancellationToken cancellationToken)
        => TypedResults.Ok(await upgrades.SetPolicyAsync(context.GetCaller(), orgId, request, cancellationToken));
}
