using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>A super-admin's edit of the system framework, stored as the importer stores one: a new current system version.</summary>
internal static class SystemFrameworkEdit
{
    /// <summary>The line a rewritten definition gains.</summary>
    public const string RewrittenLine = "Rewritten after an incident review.";

    /// <param name="without">An item to drop.</param>
    /// <param name="rewrite">An item whose definition gains <see cref="RewrittenLine"/>.</param>
    /// <param name="add">The slug of an item to add at the end of the first subcategory, named <paramref name="addName"/>.</param>
    /// <returns>The new version's id.</returns>
    public static async Task<Guid> ImportAsync(TestApp app, string? without = null, string? rewrite = null, string? add = null, string? addName = null)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var current = await db.FrameworkVersions.AsNoTracking().SingleAsync(v => v.OrganizationId == null && v.IsCurrent, cancel);
        var framework = (await new FrameworkVersionReader(db).LoadAsync(current.Id, cancel))!;
        var first = framework.Categories[0].Subcategories[0];
        var edited = framework with
        {
            Categories = [.. framework.Categories.Select(c => c with
            {
                Subcategories = [.. c.Subcategories.Select(s =>
                {
                    var items = s.Items.Where(i => i.Slug != without).Select(i => i.Slug == rewrite ? i with { DefinitionMarkdown = i.DefinitionMarkdown + "\n" + RewrittenLine + "\n" } : i);
                    return s with
                    {
                        Items = s == first && add is not null
                            ? [.. items, new FrameworkItem(add, addName ?? add, s.Items.Max(i => i.Order) + 1, false, $"# {add}\n\nA new check.\n", null)]
                            : [.. items],
                    };
                })],
            })],
        };
        return (await new FrameworkImporter(db, TimeProvider.System).ImportAsync(edited, null, SystemFrameworkService.EditSource, cancel)).Version.Id;
    }
}
