using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Frameworks;

public sealed class SystemFrameworkSeedTests
{
    [Fact]
    public async Task First_start_imports_the_built_in_framework_as_the_current_system_framework()
    {
        await using var app = await TestApp.StartAsync();
        var expected = FrameworkHasher.ComputeHash(FrameworkParser.ParsePath(Repository.InRepository("content", "default-framework")).Definition!);

        await using var scope = app.App.Services.CreateAsyncScope();
        var versions = await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkVersions.ToListAsync(TestContext.Current.CancellationToken);

        var current = Assert.Single(versions);
        Assert.True(current.IsCurrent);
        Assert.Null(current.OrganizationId);
        Assert.Equal(expected, current.ContentHash);
    }

    [Fact]
    public async Task Restart_with_unchanged_content_imports_nothing_new()
    {
        await using var app = await TestApp.StartAsync();

        await ServerHost.SeedSystemFrameworkAsync(app.App.Services, TestContext.Current.CancellationToken);

        await using var scope = app.App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkVersions.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_new_releases_built_in_framework_is_offered_to_existing_projects_as_an_upgrade()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync();
        var shipped = FrameworkParser.ParsePath(Repository.InRepository("content", "default-framework")).Definition!;
        var responsibleAi = shipped.Categories.Single(c => c.Slug == "responsible-ai");

        // An installation still on the previous release: the same framework without its newest category.
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await new FrameworkImporter(scope.ServiceProvider.GetRequiredService<AppDbContext>(), TimeProvider.System)
                .ImportAsync(shipped with { Categories = [.. shipped.Categories.Where(c => c != responsibleAi)] }, null, "builtin", cancel);
        }

        var ada = await app.OnboardAsync("release-ada", "Acme");
        var project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");

        // The new release starts.
        await ServerHost.SeedSystemFrameworkAsync(app.App.Services, cancel);

        var preview = await ada.Client.GetFromJsonAsync<JsonElement>($"{ApiTestKit.OrgPath(ada.OrgId)}/projects/{project}/framework-upgrade", cancel);
        Assert.False(preview.GetProperty("upToDate").GetBoolean());
        Assert.Equal(responsibleAi.Subcategories.Sum(s => s.Items.Length), preview.GetProperty("added").GetInt32());
        Assert.Equal((0, 0), (preview.GetProperty("retired").GetInt32(), preview.GetProperty("changed").GetInt32()));
        Assert.Equal("Builtin", preview.GetProperty("to").GetProperty("source").GetString());
    }
}
