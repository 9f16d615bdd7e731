using System.ComponentModel;
using System.Globalization;
using System.Text;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Api.Checklists;

/// <summary>
/// A project's checklist: <c>/api/v1/organizations/{orgId}/projects/{projectId}/checklist</c>. A single item is
/// written with optimistic concurrency over HTTP: its <c>ETag</c> is its version, and a write must send it back
/// in <c>If-Match</c>.
/// </summary>
internal static class ChecklistsApi
{
    public static IEndpointRouteBuilder MapChecklistsApi(this IEndpointRouteBuilder endpoints)
    {
        var checklist = endpoints.MapOrganizationGroup("/projects/{projectId:guid}/checklist", "Checklists");
        checklist.MapGet("/", GetAsync).WithName("GetChecklist")
            .WithSummary("The project's checklist in framework order: categories, subcategories, items; optionally only the items matching status, assigneeUserId, dueBefore and overdue (combined with AND; empty groups are left out).")
            .ProducesValidationProblem();
        checklist.MapGet("/items", ListItemsAsync).WithName("ListChecklistItems")
            .WithSummary("The project's checklist items as a flat list in framework order, filtered by status, assigneeUserId, dueBefore and overdue (combined with AND); page with limit (1-100) and cursor.")
            .ProducesValidationProblem();
        checklist.MapGet("/items/{itemId:guid}", GetItemAsync).WithName("GetChecklistItem")
            .WithSummary("One item with its definition and template reference; the ETag header carries its version.");
        checklist.MapPut("/items/{itemId:guid}", UpdateItemAsync).WithName("UpdateChecklistItem")
            .WithSummary("Replace the item's state. Requires If-Match with the ETag read (428 without it, 412 when the item changed since); answers the new ETag.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        checklist.MapPost("/items/{itemId:guid}/review", MarkReviewedAsync).WithName("MarkChecklistItemReviewed")
            .WithSummary("Record that a Done item was looked at again and still holds: its periodic review starts over (no longer stale); nothing else changes. Requires If-Match with the ETag read (428 without it, 412 when the item changed since; 409 for an item that is not Done or was retired); answers the new ETag.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        checklist.MapPost("/batch", UpdateItemsAsync).WithName("UpdateChecklistItems")
            .WithSummary("Update several items of the project in one request, all or nothing; each item carries the version it was read at (412 if any is stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        checklist.MapGet("/items/{itemId:guid}/template", DownloadTemplateAsync).WithName("DownloadChecklistItemTemplate")
            .WithSummary("The item's document template as a markdown file download, from the framework version the project was created from.")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown");
        return endpoints;
    }

    private static async Task<JsonOk<ProjectChecklist>> GetAsync(
        Guid orgId,
        Guid projectId,
        [Description(StatusText)] string? status,
        [Description(AssigneeText)] string? assigneeUserId,
        [Description(DueBeforeText)] string? dueBefore,
        [Description(OverdueText)] string? overdue,
        HttpContext context,
        ChecklistService checklists,
        CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var filter = Filter(query, status, assigneeUserId, dueBefore, overdue);
        query.ThrowIfInvalid();
        return new(await checklists.GetAsync(context.GetCaller(), orgId, projectId, filter, cancellationToken), ApiJson.Default.ProjectChecklist);
    }

    private static async Task<JsonOk<ChecklistItemPage>> ListItemsAsync(
        Guid orgId,
        Guid projectId,
        [Description(StatusText)] string? status,
        [Description(AssigneeText)] string? assigneeUserId,
        [Description(DueBeforeText)] string? dueBefore,
        [Description(OverdueText)] string? overdue,
        [Description("Items per page, 1 to 100 (default 50).")] string? limit,
        [Description("The nextCursor of the previous page.")] string? cursor,
        HttpContext context,
        ChecklistService checklists,
        CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new ListChecklistItemsRequest(Filter(query, status, assigneeUserId, dueBefore, overdue), Cursor: cursor);
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return new(await checklists.ListItemsAsync(context.GetCaller(), orgId, projectId, request, cancellationToken), ApiJson.Default.ChecklistItemPage);
    }

    private const string StatusText = "Only items with this status: NotStarted, InProgress, Done or NotApplicable.";
    private const string AssigneeText = "Only items assigned to this user id.";
    private const string DueBeforeText = "Only items due strictly before this date (yyyy-mm-dd); items without a due date never match.";
    private const string OverdueText = "true: only open items (not Done, not NotApplicable) due before today (UTC); false: every other item.";

    /// <summary>Reads the filter parameters; each bad value becomes a validation failure naming its parameter.</summary>
    private static ChecklistFilter? Filter(QueryValues query, string? status, string? assigneeUserId, string? dueBefore, string? overdue)
    {
        var filter = new ChecklistFilter(query.Enum<ChecklistItemStatus>(status, "status"), query.Guid(assigneeUserId, "assigneeUserId"));
        if (dueBefore is not null)
        {
            if (DateOnly.TryParseExact(dueBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                filter = filter with { DueBefore = date };
            }
            else
            {
                query.Fail("dueBefore", "'dueBefore' must be a date (yyyy-mm-dd).");
            }
        }

        if (overdue is not null)
        {
            if (bool.TryParse(overdue, out var flag))
            {
                filter = filter with { Overdue = flag };
            }
            else
            {
                query.Fail("overdue", "'overdue' must be true or false.");
            }
        }

        return filter == ChecklistFilter.None ? null : filter;
    }

    private static async Task<Ok<ChecklistItemDetails>> GetItemAsync(Guid orgId, Guid projectId, Guid itemId, HttpContext context, ChecklistService checklists, CancellationToken cancellationToken)
    {
        var details = await checklists.GetItemAsync(context.GetCaller(), orgId, projectId, itemId, cancellationToken);
        context.Response.SetETag(details.Item.Version);
        return TypedResults.Ok(details);
    }

    /// <summary>The version comes from If-Match only, so the write is conditional on exactly what the client read.</summary>
    private static async Task<Results<Ok<ChecklistItemView>, ProblemHttpResult>> UpdateItemAsync(
        Guid orgId, Guid projectId, Guid itemId, [FromHeader(Name = EntityTags.IfMatchHeader)] string? ifMatch, ChecklistItemUpdate body,
        HttpContext context, ChecklistService checklists, CancellationToken cancellationToken)
    {
        if (!EntityTags.TryReadIfMatch(ifMatch, out var version, out var problem))
        {
            return problem!;
        }

        var request = new UpdateChecklistItemRequest(version, body.Status, body.NotApplicableReason, body.Notes, body.AssigneeUserId, body.DueDate, body.EvidenceLinks, body.Rationale);
        var updated = await checklists.UpdateItemAsync(context.GetCaller(), orgId, projectId, itemId, request, cancellationToken);
        context.Response.SetETag(updated.Version);
        return TypedResults.Ok(updated);
    }

    private static async Task<Results<Ok<ChecklistItemView>, ProblemHttpResult>> MarkReviewedAsync(
        Guid orgId, Guid projectId, Guid itemId, [FromHeader(Name = EntityTags.IfMatchHeader)] string? ifMatch,
        HttpContext context, ItemReviewService reviews, CancellationToken cancellationToken)
    {
        if (!EntityTags.TryReadIfMatch(ifMatch, out var version, out var problem))
        {
            return problem!;
        }

        var reviewed = await reviews.MarkReviewedAsync(context.GetCaller(), orgId, projectId, itemId, new MarkItemReviewedRequest(version), cancellationToken);
        context.Response.SetETag(reviewed.Version);
        return TypedResults.Ok(reviewed);
    }

    private static async Task<Ok<IReadOnlyList<ChecklistItemView>>> UpdateItemsAsync(
        Guid orgId, Guid projectId, BatchUpdateChecklistItemsRequest request, HttpContext context, ChecklistService checklists, CancellationToken cancellationToken)
        => TypedResults.Ok(await checklists.UpdateItemsAsync(context.GetCaller(), orgId, projectId, request, cancellationToken));

    /// <summary>
    /// Three use-case reads: the item (whose template, if any), the project (which framework version it was
    /// copied from) and that version's template, each authorized on its own.
    /// </summary>
    private static async Task<ContentHttpResult> DownloadTemplateAsync(
        Guid orgId, Guid projectId, Guid itemId, HttpContext context, ChecklistService checklists, ProjectService projects, FrameworkBrowser frameworks, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        var item = await checklists.GetItemAsync(caller, orgId, projectId, itemId, cancellationToken);
        var project = await projects.GetAsync(caller, orgId, projectId, cancellationToken);
        if (item.Template is null || project.Project.FrameworkVersionId is not { } version)
        {
            throw new NotFoundException("Template");
        }

        var template = await frameworks.GetTemplateAsync(caller, orgId, item.Template.Slug, version, cancellationToken);

        // Template slugs are [a-z0-9-] (the framework validator enforces it), so the quoted file name needs no escaping.
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{template.Slug}.md\"";
        return TypedResults.Text(template.Markdown, "text/markdown", Encoding.UTF8);
    }
}

/// <summary>
/// The body of a single-item update: <see cref="UpdateChecklistItemRequest"/> without its version, which travels
/// in If-Match instead.
/// </summary>
internal sealed record ChecklistItemUpdate(
    ChecklistItemStatus Status,
    string? NotApplicableReason = null,
    string? Notes = null,
    Guid? AssigneeUserId = null,
    DateOnly? DueDate = null,
    IReadOnlyList<string>? EvidenceLinks = null,
    string? Rationale = null);
