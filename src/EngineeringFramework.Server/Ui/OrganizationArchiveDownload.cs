using EngineeringFramework.Core.OrganizationArchives;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Api.Organizations;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// <c>GET /orgs/{orgId}/organization-archive.json</c>: the organization archive on the session cookie, for the settings
/// page's download link. The same use case as the REST export and the same file and headers, so a member who is not an
/// admin is refused (403) and anyone else finds nothing (404); the host adds its error page to either.
/// </summary>
internal static class OrganizationArchiveDownload
{
    public static string Path(Guid orgId) => $"/orgs/{orgId}/organization-archive.json";

    public static void MapOrganizationArchiveDownload(this IEndpointRouteBuilder endpoints)
        => endpoints.MapGet("/orgs/{orgId:guid}/organization-archive.json", DownloadAsync).ExcludeFromDescription();

    private static async Task<IResult> DownloadAsync(Guid orgId, HttpContext http, UiSession session, OrganizationArchiveService archives)
    {
        var user = await session.ResolveAsync(http);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        try
        {
            return OrganizationArchivesApi.Download(await archives.ExportAsync(user.Caller, orgId, http.RequestAborted));
        }
        catch (NotFoundException)
        {
            return TypedResults.NotFound();
        }
        catch (ForbiddenException)
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
    }
}
