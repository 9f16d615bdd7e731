using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Api.Support;

/// <summary>A user of an organization as the tests drive them: an API client with a real token, and their ids.</summary>
internal sealed record OrgUser(HttpClient Client, Guid OrgId, Guid UserId);

/// <summary>Setting up organizations, members and content through the real API, and reading the database behind it.</summary>
internal static class ApiTestKit
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static string OrgPath(Guid orgId) => $"/api/v1/organizations/{orgId}";

    /// <summary>Onboards <paramref name="subject"/> through the API: they create an organization and become its admin.</summary>
    public static async Task<OrgUser> OnboardAsync(this TestApp app, string subject, string organizationName)
    {
        var client = app.ApiClientFor(subject);
        var response = await client.PostAsJsonAsync("/api/v1/organizations", new { name = organizationName }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var orgId = (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
        return new OrgUser(client, orgId, await app.UserIdAsync(subject));
    }

    /// <summary>
    /// Adds a member the way accepting an invitation does (a membership row and its tuple, in one save), without
    /// the mail round trip; the invitation flow itself is tested in <c>MembersApiTests</c>.
    /// </summary>
    public static async Task<OrgUser> AddMemberAsync(this TestApp app, Guid orgId, string subject, MembershipRole role = MembershipRole.Member)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, Cancel);
        if (user is null)
        {
            user = new User { AuthSubject = subject, Email = $"{subject}@example.com", EmailVerified = true, DisplayName = subject, CreatedAt = DateTime.UtcNow };
            db.Users.Add(user);
        }

        db.Memberships.Add(new Membership { OrganizationId = orgId, UserId = user.Id, Role = role, CreatedAt = DateTime.UtcNow });
        scope.ServiceProvider.GetRequiredService<RelationshipWriter>()
            .Write(orgId, Fga.Organization(orgId), role == MembershipRole.Admin ? "admin" : "member", Fga.User(user.Id));
        await db.SaveChangesAsync(Cancel);
        return new OrgUser(app.ApiClientFor(subject), orgId, user.Id);
    }

    public static async Task<Guid> UserIdAsync(this TestApp app, string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
    }

    public static async Task<Guid> CreateDepartmentAsync(this OrgUser admin, string name)
    {
        var response = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/departments", new { name }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> CreateProjectAsync(this OrgUser admin, Guid departmentId, string name, Guid? leadUserId = null)
    {
        var response = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/projects", new { departmentId, name, leadUserId }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("project").GetProperty("id").GetGuid();
    }

    /// <summary>The project's checklist items in framework order (the system framework seeded at start-up).</summary>
    public static async Task<IReadOnlyList<JsonElement>> ItemsAsync(this OrgUser user, Guid projectId)
    {
        var checklist = await user.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(user.OrgId)}/projects/{projectId}/checklist", Cancel);
        return [.. ChecklistItems(checklist)];
    }

    /// <summary>The items of a checklist document (REST or MCP: categories, their subcategories, their items), in its order.</summary>
    public static IEnumerable<JsonElement> ChecklistItems(JsonElement checklist)
        => checklist.GetProperty("categories").EnumerateArray()
            .SelectMany(c => c.GetProperty("subcategories").EnumerateArray())
            .SelectMany(s => s.GetProperty("items").EnumerateArray());

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
        => await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

    /// <summary>Sends <paramref name="json"/> as it is (not re-serialized), so tests can send exactly the bad input they mean.</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Cancel);
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> names <paramref name="field"/>.</summary>
    public static async Task AssertValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"No error for '{field}' in {body}");
    }

    /// <summary>Everything the API can write, read across organizations: equal snapshots mean nothing was written.</summary>
    public static async Task<DatabaseState> SnapshotAsync(this TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // Test-only inspection of every tenant's rows at once.
        var departmentNames = await db.Departments.BypassTenantFilter().Select(d => d.Name + "|" + d.Description).ToListAsync(Cancel);
        var projectFields = await db.Projects.BypassTenantFilter()
            .Select(p => p.Name + "|" + p.Description + "|" + p.Status + "|" + p.LeadUserId + "|" + p.DepartmentId).ToListAsync(Cancel);
        return new DatabaseState(
            await db.Organizations.BypassTenantFilter().CountAsync(Cancel),
            await db.Memberships.BypassTenantFilter().CountAsync(Cancel),
            await db.Memberships.BypassTenantFilter().CountAsync(m => m.Role == MembershipRole.Admin, Cancel),
            string.Join(";", departmentNames.Order(StringComparer.Ordinal)),
            string.Join(";", projectFields.Order(StringComparer.Ordinal)),
            await db.ChecklistItems.BypassTenantFilter().CountAsync(Cancel),
            await db.ChecklistItems.BypassTenantFilter().SumAsync(i => i.Version, Cancel),
            await db.ActivityEntries.BypassTenantFilter().CountAsync(Cancel),
            await db.Invitations.BypassTenantFilter().CountAsync(Cancel),
            await db.Invitations.BypassTenantFilter().CountAsync(i => i.RevokedAt != null || i.AcceptedAt != null, Cancel),
            await db.RoleTemplates.BypassTenantFilter().CountAsync(Cancel),
            await db.RoleTemplates.BypassTenantFilter().SumAsync(r => r.Version, Cancel),
            await db.RoleAssignments.BypassTenantFilter().CountAsync(Cancel),
            await db.RelationshipTuples.BypassTenantFilter().CountAsync(Cancel),
            await db.TupleChanges.CountAsync(Cancel),
            await db.SignOffRequests.BypassTenantFilter().CountAsync(Cancel),
            await db.SignOffRequests.BypassTenantFilter().SumAsync(r => r.Version, Cancel),
            await db.ServiceAccounts.BypassTenantFilter().CountAsync(Cancel),
            await db.ServiceAccounts.BypassTenantFilter().SumAsync(a => a.Version, Cancel),
            await db.ServiceAccountTokens.BypassTenantFilter().CountAsync(Cancel),
            await db.ServiceAccountTokens.BypassTenantFilter().CountAsync(t => t.RevokedAt != null, Cancel));
    }
}

internal sealed record DatabaseState(
    int Organizations,
    int Memberships,
    int Admins,
    string Departments,
    string Projects,
    int ChecklistItems,
    long ChecklistVersions,
    int ActivityEntries,
    int Invitations,
    int ClosedInvitations,
    int RoleTemplates,
    long RoleTemplateVersions,
    int RoleAssignments,
    int Tuples,
    int TupleChanges,
    int SignOffRequests,
    long SignOffRequestVersions,
    int ServiceAccounts,
    long ServiceAccountVersions,
    int ServiceAccountTokens,
    int RevokedServiceAccountTokens);
