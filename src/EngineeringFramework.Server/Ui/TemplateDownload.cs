using System.Text;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// <c>GET /orgs/{orgId}/projects/{id}/items/{itemId}/template.md</c>: the item's document template, as the
/// framework version the project was copied from has it, downloaded as a markdown file.
/// </summary>
internal static class TemplateDownload
{
    public static string Path(Guid orgId, Guid projectId, Guid itemId) => $"/orgs/{orgId}/projects/{projectId}/items/{itemId}/template.md";

    public static void MapTemplateDownload(this IEndpointRouteBuilder endpoints)
        => endpoints.MapGet("/orgs/{orgId:guid}/projects/{projectId:guid}/items/{itemId:guid}/template.md", DownloadAsync)
            .ExcludeFromDescription();

    private static async Task<IResult> DownloadAsync(
        Guid orgId, Guid projectId, Guid itemId, HttpContext http, UiSession session, ChecklistService checklists, ProjectService projects, FrameworkBrowser frameworks)
    {
        var user = await session.ResolveAsync(http);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var cancel = http.RequestAborted;
        try
        {
            var item = await checklists.GetItemAsync(user.Caller, orgId, projectId, itemId, cancel);
            if (item.Template is null)
            {
                return TypedResults.NotFound();
            }

            var project = await projects.GetAsync(user.Caller, orgId, projectId, cancel);
            var template = await frameworks.GetTemplateAsync(user.Caller, orgId, item.Template.Slug, project.Project.FrameworkVersionId, cancel);
            return TypedResults.File(Encoding.UTF8.GetBytes(template.Markdown), "text/markdown; charset=utf-8", template.Slug + ".md");
        }
        catch (NotFoundException)
        {
            // An empty 404 gets the host's problem body; nothing says whether the project exists elsewhere.
            return TypedResults.NotFound();
        }
        catch (ForbiddenException)
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
    }
}
