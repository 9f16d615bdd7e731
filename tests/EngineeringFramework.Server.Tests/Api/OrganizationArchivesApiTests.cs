using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// <c>GET /organizations/{orgId}/export</c> and <c>POST /organizations/import</c> over HTTP: the archive is a JSON
/// download, imports into another instance as a new organization of the caller, and a tampered archive is a 400 naming
/// the field with nothing written. Refusals of the export (403 member, 404 outsider) are in <see cref="ApiAccessTests"/>.
/// </summary>
public sealed class OrganizationArchivesApiTests(ApiWorld world) : IClassFixture<ApiWorld>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_is_a_json_attachment_that_another_instance_imports_as_a_new_organization_of_the_caller()
    {
        var item = $"{ApiTestKit.OrgPath(world.Ada.OrgId)}/projects/{world.Project}/checklist/items/{world.Item}";
        var read = await world.Ada.Client.GetAsync(item, Cancel);
        var current = JsonNode.Parse(await read.Content.ReadAsStringAsync(Cancel))!;
        var update = await world.Ada.Client.SendAsync(HttpMethod.Put, item, """{"status":"NotApplicable","notApplicableReason":"Handled by the platform team","evidenceLinks":["https://example.com/decision"]}""", read.Headers.ETag!.Tag);
        Assert.True(update.StatusCode == HttpStatusCode.OK, await update.Content.ReadAsStringAsync(Cancel));

        var export = await world.Ada.Client.GetAsync($"{ApiTestKit.OrgPath(world.Ada.OrgId)}/export", Cancel);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("organization-acme-", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var archive = await export.Content.ReadAsStringAsync(Cancel);
        var parsed = JsonNode.Parse(archive)!;
        Assert.Equal(("engineering-framework.organization", 1), (parsed["format"]!.GetValue<string>(), parsed["version"]!.GetValue<int>()));

        await using var elsewhere = await TestApp.StartAsync();
        var ada = elsewhere.ApiClientFor("world-ada");
        var import = await ada.PostAsync("/api/v1/organizations/import", new StringContent(archive, Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var created = await import.ReadJsonAsync();
        var orgId = created.GetProperty("id").GetGuid();
        Assert.Equal(("Acme", "Admin", "Free"), (created.GetProperty("name").GetString(), created.GetProperty("role").GetString(), created.GetProperty("plan").GetString()));
        Assert.Equal($"/api/v1/organizations/{orgId}", import.Headers.Location?.OriginalString);
        var projects = await ada.GetFromJsonAsync<JsonObject>($"{ApiTestKit.OrgPath(orgId)}/projects", Cancel);
        var payments = projects!["items"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Payments")!;
        Assert.NotEqual(world.Project, payments["id"]!.GetValue<Guid>());
        var checklist = await ada.GetFromJsonAsync<JsonObject>($"{ApiTestKit.OrgPath(orgId)}/projects/{payments["id"]}/checklist", Cancel);
        var items = checklist!["categories"]!.AsArray().SelectMany(c => c!["subcategories"]!.AsArray()).SelectMany(s => s!["items"]!.AsArray()).ToList();
        var worked = items.Single(i => i!["itemSlug"]!.GetValue<string>() == current["item"]!["itemSlug"]!.GetValue<string>())!;
        Assert.Equal("NotApplicable", worked["status"]!.GetValue<string>());
        var history = await ada.GetFromJsonAsync<JsonObject>($"{ApiTestKit.OrgPath(orgId)}/projects/{payments["id"]}/activity", Cancel);
        Assert.Contains(history!["items"]!.AsArray(), e => e!["checklistItemId"]!.GetValue<Guid>() == worked["id"]!.GetValue<Guid>());

        // The archive's other people gain nothing on this instance: Mallory signs in, belongs nowhere and is refused.
        var mallory = elsewhere.ApiClientFor("world-mallory");
        Assert.Empty(await mallory.GetFromJsonAsync<JsonArray>("/api/v1/organizations", Cancel) ?? []);
        Assert.True((await mallory.GetAsync(ApiTestKit.OrgPath(orgId), Cancel)).StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
    }

    public static TheoryData<string, string> Tamperings => new()
    {
        { "dangling department", "projects[0].departmentId" },
        { "wrong version", "version" },
        { "oversized department name", "departments[0].name" },
        { "status out of range", "projects[0].items[0].status" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_tampered_archive_is_a_400_naming_the_field_and_nothing_is_written(string tampering, string field)
    {
        var export = await world.Ada.Client.GetStringAsync($"{ApiTestKit.OrgPath(world.Ada.OrgId)}/export", Cancel);
        var archive = JsonNode.Parse(export)!;
        switch (tampering)
        {
            case "dangling department": archive["projects"]![0]!["departmentId"] = Guid.NewGuid().ToString(); break;
            case "wrong version": archive["version"] = 2; break;
            case "oversized department name": archive["departments"]![0]!["name"] = new string('d', 201); break;
            case "status out of range": archive["projects"]![0]!["items"]![0]!["status"] = 42; break;
        }

        var before = await world.App.SnapshotAsync();

        var response = await world.Mallory.Client.PostAsync("/api/v1/organizations/import", new StringContent(archive.ToJsonString(), Encoding.UTF8, "application/json"), Cancel);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, await world.App.SnapshotAsync());
    }

    /// <summary>
    /// The import takes a body of up to <see cref="Core.OrganizationArchives.OrganizationArchiveLimits.MaxBytes"/> (32 MB,
    /// as the README says): an archive padded with JSON whitespace to exactly that size is imported, and one byte more is
    /// a 413 problem document with nothing written.
    /// </summary>
    [Fact]
    public async Task An_archive_of_exactly_32_MB_is_imported_and_one_byte_more_is_a_413_problem_with_nothing_written()
    {
        const int limit = 32 * 1024 * 1024;
        Assert.Equal(limit, Core.OrganizationArchives.OrganizationArchiveLimits.MaxBytes);
        var export = await world.Ada.Client.GetStringAsync($"{ApiTestKit.OrgPath(world.Ada.OrgId)}/export", Cancel);
        var size = Encoding.UTF8.GetByteCount(export);

        var before = await world.App.SnapshotAsync();
        var tooLarge = await ImportAsync(Padded(export, limit + 1 - size));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(413, (await tooLarge.ReadJsonAsync()).GetProperty("status").GetInt32());
        Assert.Equal(before, await world.App.SnapshotAsync());

        var atTheLimit = await ImportAsync(Padded(export, limit - size));
        Assert.True(atTheLimit.StatusCode == HttpStatusCode.Created, await atTheLimit.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>
    /// Sent as a client that expects a refusal before the body would send it (<c>Expect: 100-continue</c>): the 413 comes
    /// before the body is read, and without waiting for it the client may find the connection closed mid-upload.
    /// </summary>
    private async Task<HttpResponseMessage> ImportAsync(ByteArrayContent body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organizations/import") { Content = body };
        request.Headers.ExpectContinue = true;
        return await world.Mallory.Client.SendAsync(request, Cancel);
    }

    /// <summary>The archive with <paramref name="spaces"/> spaces before its closing brace: the same JSON, a larger body.</summary>
    private static ByteArrayContent Padded(string archive, int spaces)
    {
        var end = archive.LastIndexOf('}');
        var bytes = Encoding.UTF8.GetBytes(string.Concat(archive.AsSpan(0, end), new string(' ', spaces), archive.AsSpan(end)));
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
