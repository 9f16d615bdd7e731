using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Departments;

public static class DepartmentsServiceCollectionExtensions
{
    public static IServiceCollection AddDepartments(this IServiceCollection services) => services.AddScoped<DepartmentService>();
}
