using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Organizations;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.UseCases;

public static class ProductCoreServiceCollectionExtensions
{
    /// <summary>The relationship engine over the product database, and the organization use cases.</summary>
    public static IServiceCollection AddRelationshipAuthorization(this IServiceCollection services, RemoteAuthorizationOptions? remote = null)
    {
        if (remote is null)
        {
            services.AddSingleton<EmbeddedRelationshipEngine>();
            services.AddSingleton<IRelationshipEngineSource, EmbeddedEngineSource>();
        }
        else
        {
            services.AddRemoteAuthorization(remote);
        }

        services.AddScoped<Authorizer>();
        services.AddScoped<RelationshipWriter>();
        return services;
    }

    public static IServiceCollection AddOrganizations(this IServiceCollection services) => services.AddScoped<OrganizationService>();

    public static IServiceCollection AddFrameworkBrowsing(this IServiceCollection services)
        => services.AddScoped<Frameworks.Versions.FrameworkBrowser>().AddScoped<Frameworks.Versions.SystemFrameworkService>().AddScoped<Frameworks.Versions.FrameworkVersionService>()
            .AddSingleton<Frameworks.Diff.FrameworkDiffs>()
            .AddScoped<FrameworkUpgrades.ProjectUpgradeService>();

    public static IServiceCollection AddSystemAdministration(this IServiceCollection services) => services.AddScoped<SystemAdministration.SuperAdmins>();
}
