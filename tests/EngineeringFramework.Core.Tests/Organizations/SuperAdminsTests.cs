using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Organizations;

public sealed class SuperAdminsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Grant_and_revoke_change_the_super_admin_relation_on_the_next_request()
    {
        await using var core = await CoreServices.CreateAsync();
        var sam = await core.CreateUserAsync("sam");

        var granted = await core.InScopeAsync(sp => new SuperAdmins(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<RelationshipWriter>()).GrantAsync("SAM@example.com", Cancel));
        var holds = await core.InScopeAsync(sp => sp.GetRequiredService<Authorizer>().CheckAsync(sam, "super_admin", Fga.SystemObject, Cancel));
        var again = await core.InScopeAsync(sp => new SuperAdmins(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<RelationshipWriter>()).GrantAsync("sam@example.com", Cancel));
        await core.InScopeAsync(sp => new SuperAdmins(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<RelationshipWriter>()).RevokeAsync("sam@example.com", Cancel));
        var stillHolds = await core.InScopeAsync(sp => sp.GetRequiredService<Authorizer>().CheckAsync(sam, "super_admin", Fga.SystemObject, Cancel));

        Assert.Contains("is now", granted, StringComparison.Ordinal);
        Assert.True(holds);
        Assert.Contains("already", again, StringComparison.Ordinal);
        Assert.False(stillHolds);
    }

    [Fact]
    public async Task Unknown_email_is_refused()
    {
        await using var core = await CoreServices.CreateAsync();

        await core.InScopeAsync(sp => Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SuperAdmins(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<RelationshipWriter>()).GrantAsync("nobody@example.com", Cancel)));
    }
}
