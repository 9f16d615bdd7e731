using System.ComponentModel;
using System.Text;
using EngineeringFramework.Core.Exports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Exports;

/// <summary>
/// Downloads: <c>…/projects/{projectId}/checklist/export?format=markdown|csv</c> (one route, the format a query
/// parameter, so both files sit beside the checklist they export) and the organization's report at <c>…/report?format=csv</c>.
/// </summary>
internal static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder endpoints)
    {
        var exports = endpoints.MapOrganizationGroup(string.Empty, "Exports");
        exports.MapGet("/projects/{projectId:guid}/checklist/export", ExportChecklistAsync).WithName("ExportChecklist")
            .WithSummary("The project's checklist as a file download: format=markdown (one document: the project's facts, progress per category, every item with status, assignee, due date, not-applicable reason, notes and evidence links) or format=csv (one row per item, formula cells escaped). Same permission as reading the checklist.")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown", "text/csv")
            .ProducesValidationProblem();
        exports.MapGet("/report", ExportReportAsync).WithName("ExportOrganizationReport")
            .WithSummary("Every project's progress per category as a CSV download (format=csv, the default): department, project, project status, category, required, done, not applicable, percent; each project's last row, category \"(all)\", is its overall progress. Any member may read it.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<ContentHttpResult> ExportChecklistAsync(
        Guid orgId, Guid projectId, [Description("markdown or csv.")] string? format, HttpContext context, ExportService exports, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        if (!ExportFormats.TryParse(format, out var chosen))
        {
            query.Fail("format", format is null ? $"'format' is required: {ExportFormats.Names}." : $"'format' must be {ExportFormats.Names}.");
        }

        query.ThrowIfInvalid();
        return Download(context, await exports.ExportChecklistAsync(context.GetCaller(), orgId, projectId, new ExportChecklistRequest(chosen), cancellationToken));
    }

    private static async Task<ContentHttpResult> ExportReportAsync(
        Guid orgId, [Description("csv (the default; the only format of the report).")] string? format, HttpContext context, ExportService exports, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        if (format is not null && !(ExportFormats.TryParse(format, out var chosen) && chosen == ExportFormat.Csv))
        {
            query.Fail("format", "'format' must be csv.");
        }

        query.ThrowIfInvalid();
        return Download(context, await exports.ExportOrganizationReportAsync(context.GetCaller(), orgId, cancellationToken));
    }

    /// <summary>The file as an attachment: an ASCII <c>filename</c> for every client, the name as written in RFC 5987 <c>filename*</c>.</summary>
    internal static ContentHttpResult Download(HttpContext context, ExportFile file)
    {
        context.Response.Headers.ContentDisposition = Disposition(file);
        return TypedResults.Text(file.Content, file.MediaType, Encoding.UTF8);
    }

    /// <remarks>
    /// The ASCII name holds only letters, digits, dots and dashes (Core makes it so), so it needs no escaping inside
    /// its quotes; the display name is percent-encoded as UTF-8 (RFC 3986 unreserved characters only, a subset of
    /// RFC 5987's attr-char), so no quote, semicolon or line break of a project's name reaches the header.
    /// </remarks>
    internal static string Disposition(ExportFile file)
        => $"attachment; filename=\"{file.FileName}\"; filename*=UTF-8''{Uri.EscapeDataString(file.DisplayFileName)}";
}
