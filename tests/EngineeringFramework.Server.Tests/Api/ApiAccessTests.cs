using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// Every route of the organization API, table-driven: another organization's caller gets 404, a member without
/// the permission gets 403, another organization's ids inside one's own organization are 404, bad input is a 400
/// naming the field, and none of these writes anything. The OpenAPI document lists every route.
/// </summary>
public sealed class ApiAccessTests(ApiWorld world) : IClassFixture<ApiWorld>
{
    /// <summary>A route, whether a plain member may call it, and whether its path names an object of the organization.</summary>
    public sealed record Route(string Method, string Path, string? Body = null, bool MemberMayCall = false, bool NamesAnObject = true);

    private static readonly Dictionary<string, Route> Routes = new()
    {
        ["ExportOrganization"] = new("GET", "{org}/export", NamesAnObject: false),
        ["ListDepartments"] = new("GET", "{org}/departments", MemberMayCall: true, NamesAnObject: false),
        ["CreateDepartment"] = new("POST", "{org}/departments", """{"name":"New"}""", NamesAnObject: false),
        ["GetDepartment"] = new("GET", "{org}/departments/{dept}", MemberMayCall: true),
        ["UpdateDepartment"] = new("PUT", "{org}/departments/{dept}", """{"name":"Renamed"}"""),
        ["DeleteDepartment"] = new("DELETE", "{org}/departments/{dept}?projects=DeleteProjects"),
        ["ListProjects"] = new("GET", "{org}/projects", MemberMayCall: true, NamesAnObject: false),
        ["CreateProject"] = new("POST", "{org}/projects", """{"departmentId":"{dept}","name":"New"}"""),
        ["GetProject"] = new("GET", "{org}/projects/{project}", MemberMayCall: true),
        ["UpdateProject"] = new("PUT", "{org}/projects/{project}", """{"name":"Renamed","description":null,"leadUserId":null,"targetDate":null,"status":"Active"}"""),
        ["PatchProject"] = new("PATCH", "{org}/projects/{project}", """{"name":"Renamed"}"""),
        ["MoveProject"] = new("POST", "{org}/projects/{project}/move", """{"departmentId":"{dept}"}"""),
        ["DeleteProject"] = new("DELETE", "{org}/projects/{project}"),
        ["GetChecklist"] = new("GET", "{org}/projects/{project}/checklist", MemberMayCall: true),
        ["GetChecklistItem"] = new("GET", "{org}/projects/{project}/checklist/items/{item}", MemberMayCall: true),
        ["UpdateChecklistItem"] = new("PUT", "{org}/projects/{project}/checklist/items/{item}", """{"status":"InProgress"}"""),
        ["MarkChecklistItemReviewed"] = new("POST", "{org}/projects/{project}/checklist/items/{item}/review"),
        ["UpdateChecklistItems"] = new("POST", "{org}/projects/{project}/checklist/batch", """{"items":[{"itemId":"{item}","version":{version},"status":"InProgress"}]}"""),
        ["ExportChecklist"] = new("GET", "{org}/projects/{project}/checklist/export?format=csv", MemberMayCall: true),
        ["ExportOrganizationReport"] = new("GET", "{org}/report?format=csv", MemberMayCall: true, NamesAnObject: false),
        ["DownloadChecklistItemTemplate"] = new("GET", "{org}/projects/{project}/checklist/items/{item}/template", MemberMayCall: true),
        ["ListProjectActivity"] = new("GET", "{org}/projects/{project}/activity", MemberMayCall: true),
        ["ListChecklistItemActivity"] = new("GET", "{org}/projects/{project}/checklist/items/{item}/activity", MemberMayCall: true),
        ["ListMyWork"] = new("GET", "{org}/my-work", MemberMayCall: true, NamesAnObject: false),

        // Framework versions include the system's, which every organization sees: a version id names nothing to hide.
        ["ListFrameworkVersions"] = new("GET", "{org}/framework/versions", MemberMayCall: true, NamesAnObject: false),
        ["GetFrameworkVersion"] = new("GET", "{org}/framework/versions/{fwversion}", MemberMayCall: true, NamesAnObject: false),
        ["CompareFrameworkVersions"] = new("GET", "{org}/framework/versions/{fwversion}/diff/{fwversion}", MemberMayCall: true, NamesAnObject: false),
        ["PreviewProjectUpgrade"] = new("GET", "{org}/projects/{project}/framework-upgrade", MemberMayCall: true),
        ["ApplyProjectUpgrade"] = new("POST", "{org}/projects/{project}/framework-upgrade", """{"toVersionId":"{fwversion}"}"""),
        ["UpgradeDepartmentProjects"] = new("POST", "{org}/departments/{dept}/framework-upgrade", """{"toVersionId":"{fwversion}"}"""),
        ["GetAgentPolicy"] = new("GET", "{org}/agent-policy", MemberMayCall: true, NamesAnObject: false),
        ["SetAgentPolicy"] = new("PUT", "{org}/agent-policy", """{"agentsMaySetAlone":["NotStarted","InProgress","Done"]}""", NamesAnObject: false),
        ["ListSignOffRequests"] = new("GET", "{org}/sign-off-requests", MemberMayCall: true, NamesAnObject: false),
        ["GetSignOffRequest"] = new("GET", "{org}/sign-off-requests/{signoff}", MemberMayCall: true),
        ["ConfirmSignOffRequest"] = new("POST", "{org}/sign-off-requests/{signoff}/confirm", "{}"),
        ["SendBackSignOffRequest"] = new("POST", "{org}/sign-off-requests/{signoff}/send-back", """{"comment":"Not yet: attach the report."}"""),
        ["GetUpgradePolicy"] = new("GET", "{org}/framework/upgrade-policy", MemberMayCall: true, NamesAnObject: false),
        ["SetUpgradePolicy"] = new("PUT", "{org}/framework/upgrade-policy", """{"resetChangedItems":false}""", NamesAnObject: false),
        ["Search"] = new("GET", "{org}/search?q=roadmap", MemberMayCall: true, NamesAnObject: false),
        ["GetDashboard"] = new("GET", "{org}/dashboard", MemberMayCall: true, NamesAnObject: false),
        ["GetProjectProgressHistory"] = new("GET", "{org}/projects/{project}/progress-history", MemberMayCall: true),
        ["CountMyOverdueItems"] = new("GET", "{org}/my-work/overdue-count", MemberMayCall: true, NamesAnObject: false),
        ["ListMembers"] = new("GET", "{org}/members", MemberMayCall: true, NamesAnObject: false),
        ["ChangeMemberRole"] = new("PUT", "{org}/members/{member}/role", """{"role":"Admin"}"""),
        ["RemoveMember"] = new("DELETE", "{org}/members/{admin}"),
        ["ListInvitations"] = new("GET", "{org}/invitations", NamesAnObject: false),
        ["InviteMember"] = new("POST", "{org}/invitations", """{"email":"newcomer@example.com"}""", NamesAnObject: false),
        ["RevokeInvitation"] = new("DELETE", "{org}/invitations/{invitation}"),
        ["GetPermissionCatalog"] = new("GET", "{org}/role-templates/catalog", MemberMayCall: true, NamesAnObject: false),
        ["CheckRoleTemplateDrift"] = new("GET", "{org}/role-templates/drift", NamesAnObject: false),
        ["ListRoleTemplates"] = new("GET", "{org}/role-templates", MemberMayCall: true, NamesAnObject: false),
        ["CreateRoleTemplate"] = new("POST", "{org}/role-templates", """{"name":"Auditor","permissions":["update_projects"]}""", NamesAnObject: false),
        ["GetRoleTemplate"] = new("GET", "{org}/role-templates/{role}", MemberMayCall: true),
        ["UpdateRoleTemplate"] = new("PUT", "{org}/role-templates/{role}", """{"name":"Renamed","permissions":[]}"""),
        ["DeleteRoleTemplate"] = new("DELETE", "{org}/role-templates/{role}"),
        ["AssignRoleTemplate"] = new("PUT", "{org}/role-templates/{role}/assignees/{member}"),
        ["UnassignRoleTemplate"] = new("DELETE", "{org}/role-templates/{role}/assignees/{member}"),
        ["ListFrameworkChecks"] = new("GET", "{org}/github-sync/checks", MemberMayCall: true, NamesAnObject: false),
        ["GetFrameworkCheck"] = new("GET", "{org}/github-sync/checks/{check}", MemberMayCall: true),
        ["ListServiceAccounts"] = new("GET", "{org}/service-accounts", NamesAnObject: false),
        ["CreateServiceAccount"] = new("POST", "{org}/service-accounts", """{"name":"New bot","expiresAt":"{expiry}"}""", NamesAnObject: false),
        ["GetServiceAccount"] = new("GET", "{org}/service-accounts/{sa}"),
        ["UpdateServiceAccount"] = new("PUT", "{org}/service-accounts/{sa}", """{"name":"Renamed bot","expiresAt":"{expiry}"}"""),
        ["DeleteServiceAccount"] = new("DELETE", "{org}/service-accounts/{sa}"),
        ["CreateServiceAccountToken"] = new("POST", "{org}/service-accounts/{sa}/tokens", """{"name":"deploy"}"""),
        ["RevokeServiceAccountToken"] = new("POST", "{org}/service-accounts/{sa}/tokens/{satoken}/revoke"),
        ["ListMcpAccess"] = new("GET", "{org}/mcp-access", NamesAnObject: false),
        ["GrantMcpAccess"] = new("PUT", "{org}/mcp-access/{member}"),

        // Revoking a grant that does not exist is a no-op by design (idempotent DELETE), so it names no object to hide.
        ["RevokeMcpAccess"] = new("DELETE", "{org}/mcp-access/{member}", NamesAnObject: false),
    };

    public static TheoryData<string> AllRoutes => [.. Routes.Keys];

    public static TheoryData<string> RoutesMembersMayNotCall => [.. Routes.Where(r => !r.Value.MemberMayCall).Select(r => r.Key)];

    public static TheoryData<string> RoutesNamingAnObject => [.. Routes.Where(r => r.Value.NamesAnObject).Select(r => r.Key)];

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public Task Caller_from_another_organization_gets_404(string route)
        => AssertRefusedAsync(world.Eve.Client, route, HttpStatusCode.NotFound);

    [Theory]
    [MemberData(nameof(RoutesMembersMayNotCall))]
    public Task Member_without_the_permission_gets_403(string route)
        => AssertRefusedAsync(world.Mallory.Client, route, HttpStatusCode.Forbidden);

    /// <summary>Eve is an admin, but of her own organization: Acme's ids under Evil's path lead nowhere.</summary>
    [Theory]
    [MemberData(nameof(RoutesNamingAnObject))]
    public async Task Admin_naming_another_organizations_object_in_their_own_organization_gets_404(string route)
    {
        var (method, path, body, _, _) = Routes[route];
        var before = await world.App.SnapshotAsync();

        var response = await world.SendAsync(world.Eve.Client, method, path, body, orgId: world.Eve.OrgId);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await world.App.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public Task The_all_zero_organization_id_is_an_unknown_organization_404_and_nothing_is_written(string route)
        => AssertRefusedAsync(world.Ada.Client, route, HttpStatusCode.NotFound, orgId: Guid.Empty);

    [Theory]
    [MemberData(nameof(RoutesNamingAnObject))]
    public async Task The_all_zero_id_for_every_object_the_route_names_is_a_4xx_problem_and_nothing_is_written(string route)
    {
        var (method, path, body, _, _) = Routes[route];
        var before = await world.App.SnapshotAsync();
        string Zeroed(string text) => ObjectPlaceholders.Aggregate(text, (t, placeholder) => t.Replace(placeholder, Guid.Empty.ToString(), StringComparison.Ordinal));

        var response = await world.SendAsync(world.Ada.Client, method, Zeroed(path), body is null ? null : Zeroed(body));

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{route}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await world.App.SnapshotAsync());
    }

    /// <summary>Sends the route as <paramref name="client"/>: the answer is <paramref name="status"/> as a problem document, and nothing was written.</summary>
    private async Task AssertRefusedAsync(HttpClient client, string route, HttpStatusCode status, Guid? orgId = null)
    {
        var (method, path, body, _, _) = Routes[route];
        var before = await world.App.SnapshotAsync();

        var response = await world.SendAsync(client, method, path, body, orgId);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await world.App.SnapshotAsync());
    }

    private static readonly string[] ObjectPlaceholders = ["{dept}", "{project}", "{item}", "{invitation}", "{role}", "{admin}", "{member}", "{check}", "{signoff}", "{sa}", "{satoken}"];

    public static TheoryData<string, string, string?, string> InvalidInputs => new()
    {
        { "GET", "{org}/departments?limit=0", null, "limit" },
        { "GET", "{org}/departments?limit=ten", null, "limit" },
        { "GET", "{org}/departments?cursor=not-a-cursor", null, "cursor" },
        { "POST", "{org}/departments", """{"name":""}""", "name" },
        { "POST", "{org}/departments", """{"name":"Ok","description":"bad\u0000text"}""", "description" },
        { "PUT", "{org}/departments/{dept}", """{"name":"   "}""", "name" },
        { "DELETE", "{org}/departments/{dept}?projects=Sideways", null, "projects" },
        { "DELETE", "{org}/departments/{dept}?projects=MoveTo", null, "moveToDepartmentId" },
        { "DELETE", "{org}/departments/{dept}?projects=MoveTo&moveToDepartmentId=nope", null, "moveToDepartmentId" },
        { "DELETE", "{org}/departments/{dept}?projects=MoveTo&moveToDepartmentId={dept}", null, "moveToDepartmentId" },
        { "DELETE", "{org}/departments/{dept}", """{"projects":"MoveTo"}""", "moveToDepartmentId" },
        { "DELETE", "{org}/departments/{dept}?projects=Refuse", """{"projects":"Refuse"}""", "projects" },
        { "GET", "{org}/projects?status=Bogus", null, "status" },
        { "GET", "{org}/projects?departmentId=nope&limit=101", null, "departmentId" },
        { "GET", "{org}/projects?leadUserId=nope", null, "leadUserId" },
        { "GET", "{org}/projects?limit=101", null, "limit" },
        { "POST", "{org}/projects", """{"departmentId":"{dept}","name":""}""", "name" },
        { "POST", "{org}/projects", """{"departmentId":"00000000-0000-0000-0000-000000000000","name":"P"}""", "departmentId" },
        { "POST", "{org}/projects", """{"departmentId":"{dept}","name":"P","leadUserId":"0196a3c2-0000-7000-8000-000000000001"}""", "leadUserId" },
        { "PUT", "{org}/projects/{project}", """{"name":"","description":null,"leadUserId":null,"targetDate":null,"status":"Active"}""", "name" },
        { "PUT", "{org}/projects/{project}", """{"name":"P","description":null,"leadUserId":null,"targetDate":null,"status":7}""", "status" },
        { "PUT", "{org}/projects/{project}", """{"name":"P","description":null,"leadUserId":null,"targetDate":null}""", "status" },
        { "PUT", "{org}/projects/{project}", """{"name":"P","status":"Active"}""", "targetDate" },
        { "PATCH", "{org}/projects/{project}", """{"name":""}""", "name" },
        { "PATCH", "{org}/projects/{project}", """{"name":null}""", "name" },
        { "PATCH", "{org}/projects/{project}", """{"status":null}""", "status" },
        { "PATCH", "{org}/projects/{project}", """{"status":"Bogus"}""", "status" },
        { "PATCH", "{org}/projects/{project}", """{"targetDate":"soon"}""", "targetDate" },
        { "PATCH", "{org}/projects/{project}", """{"leadUserId":"0196a3c2-0000-7000-8000-000000000001"}""", "leadUserId" },
        { "PATCH", "{org}/projects/{project}", """{"description":"bad\u0000text"}""", "description" },
        { "POST", "{org}/projects/{project}/move", """{"departmentId":"00000000-0000-0000-0000-000000000000"}""", "departmentId" },
        { "POST", "{org}/projects/{project}/move", "{}", "departmentId" },
        { "PUT", "{org}/projects/{project}/checklist/items/{item}", """{"status":"NotApplicable"}""", "notApplicableReason" },
        { "PUT", "{org}/projects/{project}/checklist/items/{item}", """{"status":"Done","evidenceLinks":["javascript:alert(1)"]}""", "evidenceLinks[0]" },
        { "PUT", "{org}/projects/{project}/checklist/items/{item}", """{"status":"Done","assigneeUserId":"0196a3c2-0000-7000-8000-000000000001"}""", "assigneeUserId" },
        { "POST", "{org}/projects/{project}/checklist/batch", """{"items":[]}""", "items" },
        { "POST", "{org}/projects/{project}/checklist/batch", """{"items":[{"itemId":"{item}","version":{version},"status":"NotApplicable"}]}""", "items[0].notApplicableReason" },
        { "POST", "{org}/projects/{project}/checklist/batch", """{"items":[{"itemId":"{item}","version":{version},"status":"Done"},{"itemId":"{item}","version":{version},"status":"Done"}]}""", "items[1].itemId" },
        { "GET", "{org}/projects/{project}/checklist/export?format=pdf", null, "format" },
        { "GET", "{org}/projects/{project}/checklist/export", null, "format" },
        { "GET", "{org}/report?format=markdown", null, "format" },
        { "GET", "{org}/projects/{project}/activity?limit=0", null, "limit" },
        { "GET", "{org}/projects/{project}/checklist/items/{item}/activity?cursor=zzz", null, "cursor" },
        { "GET", "{org}/my-work?status=Bogus", null, "status" },
        { "POST", "{org}/projects/{project}/framework-upgrade", "{}", "toVersionId" },
        { "POST", "{org}/departments/{dept}/framework-upgrade", """{"toVersionId":"not-a-guid"}""", "toVersionId" },
        { "PUT", "{org}/framework/upgrade-policy", """{"resetChangedItems":"sometimes"}""", "resetChangedItems" },
        { "PUT", "{org}/agent-policy", """{"agentsMaySetAlone":null}""", "agentsMaySetAlone" },
        { "PUT", "{org}/agent-policy", """{"agentsMaySetAlone":"Done"}""", "agentsMaySetAlone" },
        { "GET", "{org}/sign-off-requests?state=Bogus", null, "state" },
        { "GET", "{org}/sign-off-requests?limit=0", null, "limit" },
        { "GET", "{org}/sign-off-requests?projectId=nope", null, "projectId" },
        { "GET", "{org}/sign-off-requests?itemId=nope", null, "itemId" },
        { "POST", "{org}/sign-off-requests/{signoff}/send-back", """{"comment":"  "}""", "comment" },
        { "GET", "{org}/search", null, "q" },
        { "GET", "{org}/search?q=%2A%2A%2A", null, "q" },
        { "GET", "{org}/search?q=roadmap&limit=0", null, "limit" },
        { "GET", "{org}/search?q=roadmap&limit=many", null, "limit" },
        { "GET", "{org}/my-work?projectId=nope", null, "projectId" },
        { "GET", "{org}/my-work?includeClosed=maybe", null, "includeClosed" },
        { "GET", "{org}/my-work?projectId=00000000-0000-0000-0000-000000000000", null, "projectId" },
        { "GET", "{org}/members?limit=0", null, "limit" },
        { "GET", "{org}/github-sync/checks?limit=many", null, "limit" },
        { "PUT", "{org}/members/{member}/role", """{"role":9}""", "role" },
        { "POST", "{org}/invitations", """{"email":"not-an-address"}""", "email" },
        { "POST", "{org}/invitations", """{"email":"someone@example.com","role":9}""", "role" },
        { "POST", "{org}/role-templates", """{"name":"","permissions":[]}""", "name" },
        { "POST", "{org}/role-templates", """{"name":"Flyer","permissions":["fly"]}""", "permissions[0]" },
        { "PUT", "{org}/role-templates/{role}", """{"name":"Reviewer","permissions":["update_checklists","fly"]}""", "permissions[1]" },
        { "PUT", "{org}/role-templates/{role}/assignees/00000000-0000-0000-0000-000000000000", null, "userId" },
        { "PUT", "{org}/mcp-access/00000000-0000-0000-0000-000000000000", null, "userId" },
        { "POST", "{org}/service-accounts", """{"name":"","expiresAt":"{expiry}"}""", "name" },
        { "POST", "{org}/service-accounts", """{"name":"Bot"}""", "expiresAt" },
        { "POST", "{org}/service-accounts", """{"name":"Bot","expiresAt":"2099-01-01T00:00:00Z"}""", "expiresAt" },
        { "POST", "{org}/service-accounts", """{"name":"Bot","expiresAt":"{expiry}","roleTemplateId":"0196a3c2-0000-7000-8000-000000000001"}""", "roleTemplateId" },
        { "PUT", "{org}/service-accounts/{sa}", """{"name":"Bot","expiresAt":"yesterday"}""", "expiresAt" },
        { "POST", "{org}/service-accounts/{sa}/tokens", """{"name":" "}""", "name" },
        { "POST", "/api/v1/invitations/accept", """{"token":""}""", "token" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task Invalid_input_is_a_400_naming_the_field_and_nothing_is_written(string method, string path, string? body, string field)
    {
        var before = await world.App.SnapshotAsync();

        var response = await world.SendAsync(world.Ada.Client, method, path, body);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, await world.App.SnapshotAsync());
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route_with_its_name_and_summary()
    {
        var document = await world.App.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiTestKit.Cancel);
        var paths = document.GetProperty("paths");
        var expected = Routes.Select(r => (Name: r.Key, r.Value.Method, Path: OpenApiPath(r.Value.Path)))
            .Append((Name: "AcceptInvitation", Method: "POST", Path: "/api/v1/invitations/accept"));

        Assert.All(expected, route =>
        {
            Assert.True(paths.TryGetProperty(route.Path, out var item), $"{route.Path} is missing from the OpenAPI document.");
            Assert.True(item.TryGetProperty(route.Method.ToLowerInvariant(), out var operation), $"{route.Method} {route.Path} is missing.");
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
            Assert.True(operation.GetProperty("responses").TryGetProperty("404", out _), $"{route.Name} documents no 404.");
        });
    }

    private static string OpenApiPath(string route) => route.Split('?')[0]
        .Replace("{org}", "/api/v1/organizations/{orgId}", StringComparison.Ordinal)
        .Replace("{dept}", "{departmentId}", StringComparison.Ordinal)
        .Replace("{project}", "{projectId}", StringComparison.Ordinal)
        .Replace("{item}", "{itemId}", StringComparison.Ordinal)
        .Replace("{invitation}", "{invitationId}", StringComparison.Ordinal)
        .Replace("{role}", "{roleTemplateId}", StringComparison.Ordinal)
        .Replace("{check}", "{checkId}", StringComparison.Ordinal)
        .Replace("{signoff}", "{requestId}", StringComparison.Ordinal)
        .Replace("{satoken}", "{tokenId}", StringComparison.Ordinal)
        .Replace("{sa}", "{serviceAccountId}", StringComparison.Ordinal)
        .Replace("{admin}", "{userId}", StringComparison.Ordinal)
        .Replace("{member}", "{userId}", StringComparison.Ordinal)
        .Replace("/versions/{fwversion}/diff/{fwversion}", "/versions/{fromVersionId}/diff/{toVersionId}", StringComparison.Ordinal)
        .Replace("{fwversion}", "{versionId}", StringComparison.Ordinal);
}
