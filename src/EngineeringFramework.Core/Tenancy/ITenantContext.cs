namespace EngineeringFramework.Core.Tenancy;

/// <summary>The organization the current request acts in, or null when none has been established.</summary>
public interface ITenantContext
{
    Guid? OrganizationId { get; }
}

/// <summary>
/// Scoped, settable tenant. The surfaces set it once they have resolved the caller's organization;
/// until then every tenant-filtered query returns nothing (fail closed).
/// </summary>
public sealed class TenantContext : ITenantContext
{
    public Guid? OrganizationId { get; private set; }

    public void Set(Guid organizationId)
    {
        if (organizationId == Guid.Empty)
        {
            // The all-zero id comes from input (a route, a tool argument), never from a stored organization: it names
            // no organization, so it is answered as any unknown one is (404), not as a fault.
            throw new UseCases.NotFoundException("Organization");
        }

        if (OrganizationId is { } current && current != organizationId)
        {
            // A request acts in one organization; switching mid-request would mix tenants' data.
            throw new InvalidOperationException("The tenant of this scope is already set to another organization.");
        }

        OrganizationId = organizationId;
    }
}
