using System.Text.Json.Serialization;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Api.Frameworks;
using EngineeringFramework.Server.Api.Organizations;

namespace EngineeringFramework.Server.Api;

/// <summary>The REST API's registration and routes, one line per feature.</summary>
internal static class ApiComposition
{
    public static IServiceCollection AddAppApi(this IServiceCollection services, ServerSettings settings)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi("v1");
        services.AddRelationshipAuthorization();
        services.AddOrganizations();
        services.AddSystemAdministration();
        services.AddFrameworkBrowsing();
        services.AddDepartments();
        services.AddProjects();
        services.AddChecklists();
        services.AddActivity();
        services.AddSingleton<IMailSender, ProductMailSender>();
        services.AddMembers(settings.PublicUrl);
        services.AddRoleTemplates();
        services.AddMcpAccess();
        return services;
    }

    public static WebApplication MapAppApi(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            // The contract, browsable in Development only; production deployments publish it with their docs.
            app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        }

        app.MapOrganizationsApi();
        app.MapSystemFrameworkApi();
        return app;
    }
}
