using System.Text.Json.Serialization;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Api.Activity;
using EngineeringFramework.Server.Api.Checklists;
using EngineeringFramework.Server.Api.Dashboard;
using EngineeringFramework.Server.Api.Departments;
using EngineeringFramework.Server.Api.Exports;
using EngineeringFramework.Server.Api.McpAccess;
using EngineeringFramework.Server.Api.Members;
using EngineeringFramework.Server.Api.MyWork;
using EngineeringFramework.Server.Api.Frameworks;
using EngineeringFramework.Server.Api.FrameworkUpgrades;
using EngineeringFramework.Server.Api.ServiceAccounts;
using EngineeringFramework.Server.Api.SignOff;
using EngineeringFramework.Server.Api.GitHubSync;
using EngineeringFramework.Server.Api.Organizations;
using EngineeringFramework.Server.Api.Projects;
using EngineeringFramework.Server.Api.RoleTemplates;
using EngineeringFramework.Server.Api.Search;

namespace EngineeringFramework.Server.Api;

/// <summary>The REST API's registration and routes, one line per feature (the use cases are Core's: <see cref="Core.EngineeringFrameworkCore"/>).</summary>
internal static class ApiComposition
{
    public static IServiceCollection AddAppApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi("v1", o => o.AddApiDocumentation());
        return services;
    }

    public static WebApplication MapAppApi(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            // The contract, browsable in Development only; production deployments publish it with their docs.
            app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
            app.MapApiReference();
        }

        app.MapOrganizationsApi();
        app.MapOrganizationArchivesApi();
        app.MapSystemFrameworkApi();
        app.MapFrameworkVersionsApi();
        app.MapFrameworkUpgradesApi();
        app.MapSignOffApi();
        app.MapDepartmentsApi();
        app.MapProjectsApi();
        app.MapChecklistsApi();
        app.MapExportsApi();
        app.MapActivityApi();
        app.MapMyWorkApi();
        app.MapSearchApi();
        app.MapDashboardApi();
        app.MapMembersApi();
        app.MapRoleTemplatesApi();
        app.MapMcpAccessApi();
        app.MapServiceAccountsApi();
        app.MapGitHubSyncApi();
        return app;
    }
}
