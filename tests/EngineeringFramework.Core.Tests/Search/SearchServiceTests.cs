using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Search;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Search;

public sealed class SearchServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<SearchResults> SearchAsync(ProjectWorld world, string query, Caller? caller = null, Guid? organization = null, int limit = 20)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<SearchService>().SearchAsync(caller ?? world.Ben, organization ?? world.Acme, new SearchRequest(query, limit), Cancel));

    private static List<(SearchResultKind Kind, string Title)> Found(SearchResults results) => [.. results.Results.Select(r => (r.Kind, r.Title))];

    private static async Task NoteAsync(ProjectWorld world, Guid project, string slug, string notes)
    {
        var item = await world.ItemAsync(project, slug);
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, item.Id, new UpdateChecklistItemRequest(item.Version, item.Status, Notes: notes), Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Projects_items_and_definitions_are_found_by_word_prefixes_title_matches_first_with_highlights(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var apollo = (await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new(world.Engineering, "Roadmap review", "Quarterly planning of the launch."), Cancel))).Project.Id;
        await NoteAsync(world, apollo, "changelog", "Publish the roadmap with every release.");

        var roadmap = await SearchAsync(world, "ROADmap");
        var prefix = await SearchAsync(world, "quarter plan");
        var none = await SearchAsync(world, "roadmap zebra");

        // Titles first (the project, the checklist item and the definition named Roadmap), then the notes that mention it.
        Assert.Equal(
            [SearchResultKind.Project, SearchResultKind.ChecklistItem, SearchResultKind.Definition],
            roadmap.Results.Take(3).Select(r => r.Kind).Order());
        Assert.Equal((SearchResultKind.ChecklistItem, "Changelog"), (roadmap.Results[3].Kind, roadmap.Results[3].Title));
        Assert.Equal(4, roadmap.Results.Count);
        var note = roadmap.Results[3];
        Assert.Equal(apollo, note.ProjectId);
        Assert.Equal("changelog", note.ItemSlug);
        Assert.Equal([("Publish the ", false), ("roadmap", true), (" with every release.", false)], note.Excerpt.Select(f => (f.Text, f.Match)));
        var project = roadmap.Results.Single(r => r.Kind == SearchResultKind.Project);
        Assert.Equal([("Roadmap", true), (" review", false)], project.TitleFragments.Select(f => (f.Text, f.Match)));
        Assert.Equal("Engineering", project.Context);
        Assert.Equal([(SearchResultKind.Project, "Roadmap review")], Found(prefix));
        Assert.Equal(["quarter", "plan"], prefix.Terms);
        Assert.Empty(none.Results);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Another_organizations_projects_and_notes_are_never_found(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var evilDepartment = (await world.Departments(world.Eve, (d, c) => d.CreateAsync(c, world.Evil, new("Schemes"), Cancel))).Id;
        await world.Projects(world.Eve, (p, c) => p.CreateAsync(c, world.Evil, new(evilDepartment, "Moonbase secret"), Cancel));
        await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new(world.Engineering, "Moonbase public"), Cancel));

        var acme = await SearchAsync(world, "moonbase");
        var evil = await SearchAsync(world, "moonbase", world.Eve, world.Evil);

        Assert.Equal([(SearchResultKind.Project, "Moonbase public")], Found(acme));
        Assert.Equal([(SearchResultKind.Project, "Moonbase secret")], Found(evil));
        await Assert.ThrowsAsync<NotFoundException>(() => SearchAsync(world, "moonbase", world.Eve, world.Acme));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Edits_renames_and_deletes_are_searchable_at_once(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync("Gemini")).Project.Id;
        await NoteAsync(world, project, "roadmap", "Waiting on the vendor.");
        await NoteAsync(world, project, "roadmap", "Signed off by procurement.");
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Mercury"), Cancel));

        Assert.Empty((await SearchAsync(world, "vendor")).Results);
        Assert.Equal([(SearchResultKind.ChecklistItem, "Roadmap")], Found(await SearchAsync(world, "procurement")));
        Assert.Empty((await SearchAsync(world, "gemini")).Results);
        Assert.Equal([(SearchResultKind.Project, "Mercury")], Found(await SearchAsync(world, "mercury")));

        await world.Projects<object?>(world.Ada, async (p, c) => { await p.DeleteAsync(c, world.Acme, project, Cancel); return null; });

        Assert.Empty((await SearchAsync(world, "procurement")).Results);
        Assert.Empty((await SearchAsync(world, "mercury")).Results);
        if (provider == DatabaseProvider.Sqlite)
        {
            // The items went by the foreign key's cascade: their index rows went with them, not only out of the results.
            await using var db = world.Core.Database.CreateContext(world.Acme);
            Assert.Equal(0, await db.Database.SqlQuery<int>($"""SELECT count(*) AS "Value" FROM "SearchDocuments" WHERE "Kind" <> 'definition'""").SingleAsync(Cancel));
            Assert.Equal(
                await db.Database.SqlQuery<int>($"""SELECT count(*) AS "Value" FROM "SearchDocuments" """).SingleAsync(Cancel),
                await db.Database.SqlQuery<int>($"""SELECT count(*) AS "Value" FROM "SearchText" """).SingleAsync(Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_the_current_framework_versions_definitions_are_found(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var changed = FrameworkFixture.Valid();
        changed.Item(0, 0, 0).Set("name", "\"Delivery plan\"");
        await world.ImportSystemFrameworkAsync(changed.ParseValid());

        var old = await SearchAsync(world, "roadmap");
        var current = await SearchAsync(world, "delivery plan");

        Assert.Equal([SearchResultKind.Definition], old.Results.Select(r => r.Kind));
        Assert.Equal("Delivery plan", Assert.Single(old.Results).Title);
        Assert.Equal([(SearchResultKind.Definition, "Delivery plan")], Found(current));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Query_syntax_of_either_database_is_only_text(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new(world.Engineering, "Rollback drill"), Cancel));
        string[] hostile = ["\"rollback", "rollback*", "NEAR(rollback drill)", "rollback OR zebra", "-zebra rollback", "rollback:*", "rollback & !drill | (x)", "'; DROP TABLE \"Projects\"; --rollback", "roll\\back", "title:rollback", "^rollback"];

        foreach (var query in hostile)
        {
            var results = await SearchAsync(world, query);
            Assert.All(results.Terms, t => Assert.True(t.All(char.IsLetterOrDigit), $"{query}: term {t}"));
        }

        // Operators are only words: OR must itself start a word of the text, so nothing is found.
        Assert.Empty((await SearchAsync(world, "rollback OR drill")).Results);
        Assert.Equal([(SearchResultKind.Project, "Rollback drill")], Found(await SearchAsync(world, "\"drill\" (rollback)*")));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(1, await db.Projects.CountAsync(Cancel));
    }

    /// <summary>
    /// The index is kept by the database itself (SQLite triggers, PostgreSQL generated columns). A later migration that
    /// rebuilds one of these tables (as EF Core does on SQLite for some column changes) would drop them silently; this fails then.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_searchable_table_keeps_its_index_after_all_migrations(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        await using var db = world.Core.Database.CreateContext(world.Acme);

        var found = provider == DatabaseProvider.Sqlite
            ? await db.Database.SqlQuery<string>($"""SELECT "name" AS "Value" FROM sqlite_master WHERE "type" = 'trigger' AND "name" LIKE '%_Search_%'""").ToListAsync(Cancel)
            : await db.Database.SqlQuery<string>($"""SELECT table_name || '_' || column_name AS "Value" FROM information_schema.columns WHERE column_name = 'SearchVector' AND is_generated = 'ALWAYS'""").ToListAsync(Cancel);

        string[] tables = ["ChecklistItems", "FrameworkVersionItems", "Projects"];
        Assert.Equal(
            provider == DatabaseProvider.Sqlite
                ? [.. tables.SelectMany(t => new[] { $"{t}_Search_Delete", $"{t}_Search_Insert", $"{t}_Search_Update" })]
                : [.. tables.Select(t => $"{t}_SearchVector")],
            found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_query_without_a_word_or_too_long_and_a_bad_limit_name_their_field()
    {
        await using var world = await ProjectWorld.CreateAsync();

        var punctuation = await Assert.ThrowsAsync<ValidationException>(() => SearchAsync(world, "*** ++ \"\""));
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => SearchAsync(world, new string('a', 201)));
        var limit = await Assert.ThrowsAsync<ValidationException>(() => SearchAsync(world, "roadmap", limit: 51));

        Assert.Equal("Query", Assert.Single(punctuation.Errors).PropertyName);
        Assert.Equal("Query", Assert.Single(tooLong.Errors).PropertyName);
        Assert.Equal("Limit", Assert.Single(limit.Errors).PropertyName);
    }

    [Fact]
    public void Excerpts_are_cut_at_word_boundaries_around_the_first_match()
    {
        var text = string.Join(' ', Enumerable.Range(1, 200).Select(i => $"word{i}")) + " needle " + string.Join(' ', Enumerable.Range(1, 200).Select(i => $"tail{i}"));

        var excerpt = SearchTerms.Excerpt(text, ["needle"]);
        var flat = string.Concat(excerpt.Select(f => f.Text));

        Assert.StartsWith("…word", flat, StringComparison.Ordinal);
        Assert.EndsWith("…", flat, StringComparison.Ordinal);
        Assert.InRange(flat.Length, 150, 230);
        Assert.Equal("needle", Assert.Single(excerpt, f => f.Match).Text);
        Assert.DoesNotContain(excerpt, f => f.Text.Contains("  ", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_excerpts_are_the_same_window_and_fall_back_to_the_opening_when_no_word_matches()
    {
        var text = "# Rollback\n\n" + string.Join(' ', Enumerable.Range(1, 200).Select(i => $"word{i}")) + " needle tail";

        var around = SearchTerms.ExcerptText(text, ["needle"]);
        var opening = SearchTerms.ExcerptText(text, ["catalog"]);

        Assert.Equal(string.Concat(SearchTerms.Excerpt(text, ["needle"]).Select(f => f.Text)), around);
        Assert.StartsWith("# Rollback word1 word2 ", opening, StringComparison.Ordinal);
        Assert.EndsWith("…", opening, StringComparison.Ordinal);
        Assert.InRange(opening!.Length, 150, 230);
        Assert.Null(SearchTerms.ExcerptText(null, ["needle"]));
    }
}
