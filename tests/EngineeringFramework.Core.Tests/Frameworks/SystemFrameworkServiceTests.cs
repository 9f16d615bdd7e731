using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>The reads behind the system framework's edit pages: one item, one template, and whether to offer the way in.</summary>
public sealed class SystemFrameworkServiceTests : IAsyncLifetime
{
    private ProjectWorld world = null!;
    private Caller sam = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        world = await ProjectWorld.CreateAsync();
        sam = await world.Core.CreateUserAsync("sam");
        await world.Core.WriteTupleAsync(Fga.SystemObject, SuperAdmins.Relation, Fga.User(sam.UserId));
    }

    public async ValueTask DisposeAsync() => await world.DisposeAsync();

    private Task<T> Run<T>(Func<SystemFrameworkService, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<SystemFrameworkService>()));

    [Fact]
    public async Task A_super_admin_reads_an_item_with_its_definition_template_and_place()
    {
        var roadmap = await Run(s => s.GetItemAsync(sam, "roadmap", Cancel));
        var backlog = await Run(s => s.GetItemAsync(sam, "backlog", Cancel));

        Assert.Equal(
            new SystemFrameworkItemDetails("roadmap", "Roadmap", false, "# Roadmap\n\nA roadmap for the next two quarters.\n", "roadmap-template", "delivery", "Delivery", "planning", "Planning"),
            roadmap);
        Assert.True(backlog.Optional);
        Assert.Null(backlog.DefinitionMarkdown);
        Assert.Null(backlog.TemplateSlug);
    }

    [Fact]
    public async Task A_super_admin_reads_a_template_with_its_markdown()
    {
        var template = await Run(s => s.GetTemplateAsync(sam, "test-plan", Cancel));

        Assert.Equal(new SystemFrameworkTemplateDetails("test-plan", "Test plan", "## Scope\n"), template);
    }

    [Fact]
    public async Task Reads_see_the_latest_edit_and_the_summary_carries_subcategory_descriptions()
    {
        await Run(s => s.UpdateItemAsync(sam, "roadmap", new UpdateFrameworkItemRequest("Roadmap agreed", true, "# Agreed\n"), Cancel));
        await Run(s => s.UpdateSubcategoryAsync(sam, "delivery", "planning", new UpdateFrameworkGroupRequest("Planning", "Before we build."), Cancel));

        var item = await Run(s => s.GetItemAsync(sam, "roadmap", Cancel));
        var summary = await Run(s => s.GetAsync(sam, Cancel));

        Assert.Equal(("Roadmap agreed", true, "# Agreed\n"), (item.Name, item.Optional, item.DefinitionMarkdown));
        Assert.Equal("Before we build.", summary.Categories[0].Subcategories.Single(s => s.Slug == "planning").Description);
    }

    [Fact]
    public async Task A_super_admin_sets_and_clears_an_items_review_interval_and_an_out_of_range_one_is_refused_naming_the_field()
    {
        var saved = await Run(s => s.UpdateItemAsync(sam, "roadmap", new UpdateFrameworkItemRequest("Roadmap", false, "# Roadmap\n", 90), Cancel));
        var every90 = await Run(s => s.GetItemAsync(sam, "roadmap", Cancel));
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.UpdateItemAsync(sam, "roadmap", new UpdateFrameworkItemRequest("Roadmap", false, null, 3651), Cancel)));
        var zero = await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.UpdateItemAsync(sam, "roadmap", new UpdateFrameworkItemRequest("Roadmap", false, null, 0), Cancel)));
        var afterRefusals = await Run(s => s.GetAsync(sam, Cancel));
        await Run(s => s.UpdateItemAsync(sam, "roadmap", new UpdateFrameworkItemRequest("Roadmap", false, "# Roadmap\n"), Cancel));
        var cleared = await Run(s => s.GetItemAsync(sam, "roadmap", Cancel));

        Assert.Equal(90, every90.ReviewIntervalDays);
        Assert.All([tooLong, zero], e => Assert.Equal("ReviewIntervalDays", Assert.Single(e.Errors).PropertyName));
        Assert.Equal(saved.VersionId, afterRefusals.VersionId);
        Assert.Null(cleared.ReviewIntervalDays);
    }

    [Fact]
    public async Task Unknown_slugs_are_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Run(s => s.GetItemAsync(sam, "no-such-item", Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Run(s => s.GetTemplateAsync(sam, "no-such-template", Cancel)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Road Map")]
    [InlineData("../roadmap")]
    [InlineData("roadmap\n")]
    public async Task A_malformed_slug_is_refused_naming_the_field(string slug)
    {
        var item = await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.GetItemAsync(sam, slug, Cancel)));
        var template = await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.GetTemplateAsync(sam, slug, Cancel)));

        Assert.Equal(["ItemSlug"], item.Errors.Select(e => e.PropertyName).Distinct());
        Assert.Equal(["TemplateSlug"], template.Errors.Select(e => e.PropertyName).Distinct());
    }

    [Fact]
    public async Task A_slug_longer_than_the_framework_allows_is_refused()
        => await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.GetItemAsync(sam, new string('a', 101), Cancel)));

    [Theory]
    [InlineData("roadmap")]
    [InlineData("Not A Slug")]
    public async Task To_an_organization_admin_the_reads_do_not_exist_whatever_the_slug(string slug)
    {
        // Ada administers Acme, which makes her nothing in the system's framework.
        await Assert.ThrowsAsync<NotFoundException>(() => Run(s => s.GetItemAsync(world.Ada, slug, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Run(s => s.GetTemplateAsync(world.Ada, slug == "roadmap" ? "test-plan" : slug, Cancel)));
    }

    [Fact]
    public async Task Only_a_super_admin_is_told_they_may_manage_the_system_framework()
    {
        Assert.True(await Run(s => s.IsSuperAdminAsync(sam, Cancel)));
        Assert.False(await Run(s => s.IsSuperAdminAsync(world.Ada, Cancel)));
        Assert.False(await Run(s => s.IsSuperAdminAsync(world.Ben, Cancel)));
    }

    [Fact]
    public async Task A_preview_renders_sanitized_markdown_for_a_super_admin_and_writes_nothing()
    {
        var before = await Run(s => s.GetAsync(sam, Cancel));

        var html = await Run(s => s.PreviewAsync(sam, "## Done when\n\n- [ ] signed\n\n<script>alert(1)</script>", Cancel));

        Assert.Contains("<h2", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Empty, await Run(s => s.PreviewAsync(sam, null, Cancel)));
        Assert.Equal(before.VersionId, (await Run(s => s.GetAsync(sam, Cancel))).VersionId);
    }

    [Fact]
    public async Task A_preview_is_not_there_for_anyone_but_a_super_admin()
        => await Assert.ThrowsAsync<NotFoundException>(() => Run(s => s.PreviewAsync(world.Ada, "# Hello", Cancel)));

    [Fact]
    public async Task A_preview_of_text_that_cannot_be_stored_is_refused_naming_the_markdown()
    {
        // In code, not as theory data: a lone surrogate does not survive the test runner's serialization of arguments.
        foreach (var text in new[] { "nul \0 inside", "half \ud800 a pair" })
        {
            var refused = await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.PreviewAsync(sam, text, Cancel)));

            Assert.Equal(["Markdown"], refused.Errors.Select(e => e.PropertyName).Distinct());
        }
    }

    [Fact]
    public async Task A_preview_longer_than_a_framework_file_may_be_is_refused()
        => await Assert.ThrowsAsync<ValidationException>(() => Run(s => s.PreviewAsync(sam, new string('a', 256 * 1024 + 1), Cancel)));
}
