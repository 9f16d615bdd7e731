using System.Text;
using EngineeringFramework.Core.Exports;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Api.Exports;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// The web app's downloads of exports, on the session cookie: <c>/orgs/{orgId}/projects/{id}/checklist.md</c> and
/// <c>.csv</c>, and <c>/orgs/{orgId}/report.csv</c>. The same use cases as the REST API, the same file and headers;
/// a CSV starts with a UTF-8 byte order mark here, for spreadsheets.
/// </summary>
internal static class ExportDownload
{
    public static string ChecklistPath(Guid orgId, Guid projectId, ExportFormat format)
        => $"/orgs/{orgId}/projects/{projectId}/checklist.{(format == ExportFormat.Csv ? "csv" : "md")}";

    public static string ReportPath(Guid orgId) => $"/orgs/{orgId}/report.csv";

    public static void MapExportDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/orgs/{orgId:guid}/projects/{projectId:guid}/checklist.md", (Guid orgId, Guid projectId, HttpContext http, UiSession session, ExportService exports)
            => ChecklistAsync(orgId, projectId, ExportFormat.Markdown, http, session, exports)).ExcludeFromDescription();
        endpoints.MapGet("/orgs/{orgId:guid}/projects/{projectId:guid}/checklist.csv", (Guid orgId, Guid projectId, HttpContext http, UiSession session, ExportService exports)
            => ChecklistAsync(orgId, projectId, ExportFormat.Csv, http, session, exports)).ExcludeFromDescription();
        endpoints.MapGet("/orgs/{orgId:guid}/report.csv", ReportAsync).ExcludeFromDescription();
    }

    private static Task<IResult> ChecklistAsync(Guid orgId, Guid projectId, ExportFormat format, HttpContext http, UiSession session, ExportService exports)
        => DownloadAsync(http, session, caller => exports.ExportChecklistAsync(caller, orgId, projectId, new ExportChecklistRequest(format), http.RequestAborted));

    private static Task<IResult> ReportAsync(Guid orgId, HttpContext http, UiSession session, ExportService exports)
        => DownloadAsync(http, session, caller => exports.ExportOrganizationReportAsync(caller, orgId, http.RequestAborted));

    private static async Task<IResult> DownloadAsync(HttpContext http, UiSession session, Func<Caller, Task<ExportFile>> export)
    {
        var user = await session.ResolveAsync(http);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        try
        {
            var file = await export(user.Caller);
            if (file.MediaType != ExportFormats.CsvMediaType)
            {
                return ExportsApi.Download(http, file);
            }

            // A person's download opens in a spreadsheet, and Excel reads a CSV without a byte order mark in the
            // machine's legacy code page, garbling every accent. The REST API's file stays without one: a program
            // reading "text/csv; charset=utf-8" would find U+FEFF glued to the first header cell.
            http.Response.Headers.ContentDisposition = ExportsApi.Disposition(file);
            return TypedResults.File([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(file.Content)], $"{file.MediaType}; charset=utf-8");
        }
        catch (NotFoundException)
        {
            // An empty 404 gets the host's error page; nothing says whether the project exists elsewhere.
            return TypedResults.NotFound();
        }
        catch (ForbiddenException)
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
    }
}
