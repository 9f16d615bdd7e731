using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Dashboard;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Exports;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.MyWork;
using EngineeringFramework.Core.OrganizationArchives;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Search;
using EngineeringFramework.Core.ServiceAccounts;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core;

/// <summary>What the use cases need from the host: where the data lives, the product's public address, GitHub sync's settings.</summary>
public sealed record CoreOptions(DatabaseConnection Database, Uri PublicUrl)
{
    /// <summary>Null leaves GitHub sync out (tests that wire it to a fake GitHub themselves).</summary>
    public GitHubSyncOptions? GitHubSync { get; init; }

    /// <summary>A remote OpenFGA answers permission questions and the outbox is delivered to it; null: the embedded engine.</summary>
    public RemoteAuthorizationOptions? RemoteAuthorization { get; init; }
}

/// <param name="Engine">Where OpenFGA is; its consistency preference is set to HIGHER_CONSISTENCY whatever it says.</param>
/// <param name="RunDeliveryWorker">Deliver in the background too (off only in tests that drive delivery themselves).</param>
public sealed record RemoteAuthorizationOptions(EngineeringFramework.Authz.Remote.RemoteEngineOptions Engine, bool RunDeliveryWorker = true)
{
    /// <summary>
    /// How often the background deliverer looks at the outbox when nothing woke it. A commit with permission changes wakes
    /// it at once (on this instance directly, on the others through the cluster signal), so this is only the repair round
    /// for a wake-up that was missed.
    /// </summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(5);
}

public static class EngineeringFrameworkCore
{
    /// <summary>
    /// Every feature of the core, each registered from its own folder: the one list the server, the tests and the benchmarks
    /// share, so none of them can drift. The host adds what is its own: a <see cref="TimeProvider"/>, logging, the
    /// <see cref="Crypto.SecretBox"/> (its key comes from the host's settings) and the mail transport.
    /// </summary>
    public static IServiceCollection AddEngineeringFrameworkCore(this IServiceCollection services, CoreOptions options)
    {
        services.AddAppData(options.Database);
        services.AddRelationshipAuthorization(options.RemoteAuthorization);
        services.AddOrganizations();
        services.AddSystemAdministration();
        services.AddUsers();
        services.AddFrameworkBrowsing();
        services.AddDepartments();
        services.AddProjects();
        services.AddChecklists();
        services.AddMyWork();
        services.AddSearch();
        services.AddDashboard();
        services.AddExports();
        services.AddActivity();
        services.AddMembers(options.PublicUrl);
        services.AddRoleTemplates();
        services.AddOrganizationArchives();
        services.AddMcpAccess();
        services.AddServiceAccounts();
        if (options.GitHubSync is { } gitHub)
        {
            services.AddGitHubSync(gitHub, options.PublicUrl);
        }

        return services;
    }
}
