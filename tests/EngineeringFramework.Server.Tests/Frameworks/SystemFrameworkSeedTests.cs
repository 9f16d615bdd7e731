using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Server.Hosting;
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
}
