using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Testing;

/// <summary>
/// The cast of the members, role and MCP tests: Ada is the admin of Acme, Ben a plain member of it, and
/// Eve the admin of another organization.
/// </summary>
public sealed record Team(CoreServices Core, Guid Acme, Caller Ada, Caller Ben, Guid Evil, Caller Eve) : IAsyncDisposable
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<Team> CreateAsync(DatabaseProvider? provider = null, TimeProvider? time = null)
    {
        var core = await CoreServices.CreateAsync(provider, time);
        var ada = await core.CreateUserAsync("ada");
        var ben = await core.CreateUserAsync("ben");
        var eve = await core.CreateUserAsync("eve");
        var acme = await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(ada, new("Acme"), Cancel));
        var evil = await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(eve, new("Evil Corp"), Cancel));
        await core.AddMemberAsync(acme.Id, ben);
        return new Team(core, acme.Id, ada, ben, evil.Id, eve);
    }

    public Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action) => Core.InScopeAsync(action);

    public Task InScopeAsync(Func<IServiceProvider, Task> action) => Core.InScopeAsync(action);

    public Task<T> Use<TService, T>(Func<TService, Task<T>> action)
        where TService : notnull
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<TService>()));

    public Task Use<TService>(Func<TService, Task> action)
        where TService : notnull
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<TService>()));

    /// <summary>Asks the engine in a fresh request, as the next request after a change would.</summary>
    public Task<bool> CheckAsync(Caller caller, string relation, string @object)
        => Core.InScopeAsync(sp => sp.GetRequiredService<Authorizer>().CheckAsync(caller, relation, @object, Cancel));

    /// <summary>A member of Acme holding a role template with <paramref name="permissions"/>.</summary>
    public async Task<Caller> AddMemberWithRoleAsync(string name, params string[] permissions)
    {
        var member = await Core.CreateUserAsync(name);
        await Core.AddMemberAsync(Acme, member);
        var role = await Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(Ada, Acme, new($"{name}'s role", null, permissions), Cancel));
        await Use<RoleTemplateService, RoleTemplateSummary>(s => s.AssignAsync(Ada, Acme, role.Id, new(member.UserId), Cancel));
        return member;
    }

    public async Task<int> TupleChangeCountAsync()
    {
        await using var db = Core.Database.CreateContext();
        return await db.TupleChanges.CountAsync(Cancel);
    }

    public AppDbContext AcmeDb() => Core.Database.CreateContext(Acme);

    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
