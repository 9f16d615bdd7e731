using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EngineeringFramework.Benchmarks.RestLoad;

/// <summary>What the load runs against: a project whose checklist has exactly 100 items, some of them worked on.</summary>
internal sealed record ChecklistTarget(Guid OrganizationId, Guid ProjectId, string Path, byte[] Json, int Items);

/// <summary>
/// Sets the benchmark up through the product's own REST API, as a system super-admin would: imports the
/// generated 100-item framework (<see cref="FrameworkData"/>) as the system framework, creates an organization,
/// a department and a project (whose checklist is copied from that framework), and records progress on a third
/// of the items (status, notes, an evidence link, an assignee, a due date) so the JSON is not all nulls.
/// </summary>
internal static class ChecklistScenario
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<ChecklistTarget> CreateAsync(HttpClient api, CancellationToken cancellationToken)
    {
        var folder = FrameworkData.Generate();
        try
        {
            using var zip = new MemoryStream();
            await ZipFile.CreateFromDirectoryAsync(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: false, cancellationToken);
            using var content = new ByteArrayContent(zip.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            var framework = await ReadAsync(await api.PostAsync(new Uri("/api/v1/system/framework/import", UriKind.Relative), content, cancellationToken), cancellationToken);
            var imported = framework.GetProperty("itemCount").GetInt32();
            if (imported != FrameworkData.Items)
            {
                throw new InvalidOperationException($"the imported framework has {imported} items, not {FrameworkData.Items}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var me = await ReadAsync(await api.GetAsync(new Uri("/api/v1/me", UriKind.Relative), cancellationToken), cancellationToken);
        var userId = me.GetProperty("id").GetGuid();
        var org = await PostAsync(api, "/api/v1/organizations", new { name = $"Bench {DateTime.UtcNow:yyyyMMddHHmmss}" }, cancellationToken);
        var orgId = org.GetProperty("id").GetGuid();
        var department = await PostAsync(api, $"/api/v1/organizations/{orgId}/departments", new { name = "Platform" }, cancellationToken);
        var project = await PostAsync(api, $"/api/v1/organizations/{orgId}/projects", new { departmentId = department.GetProperty("id").GetGuid(), name = "Checkout rewrite" }, cancellationToken);
        var projectId = project.GetProperty("project").GetProperty("id").GetGuid();
        var path = $"/api/v1/organizations/{orgId}/projects/{projectId}/checklist";

        var items = Items(await ReadAsync(await api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken), cancellationToken));
        var statuses = new[] { "InProgress", "Done", "NotApplicable" };
        var changes = items.Where((_, index) => index % 3 == 0).Select((item, index) => new
        {
            itemId = item.GetProperty("id").GetGuid(),
            version = item.GetProperty("version").GetInt64(),
            status = statuses[index % statuses.Length],
            notApplicableReason = statuses[index % statuses.Length] == "NotApplicable" ? "Covered by the platform team's shared runbook." : null,
            notes = "Reviewed with the team; see the linked document for the **decision** and the follow-ups.",
            assigneeUserId = userId,
            dueDate = new DateOnly(2027, 3, 1).AddDays(index).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            evidenceLinks = new[] { $"https://git.example.com/platform/checkout/pull/{1000 + index}" },
        }).ToList();
        await ReadAsync(await api.PostAsJsonAsync($"{path}/batch", new { items = changes }, Json, cancellationToken), cancellationToken);

        using var final = await api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        final.EnsureSuccessStatusCode();
        var bytes = await final.Content.ReadAsByteArrayAsync(cancellationToken);
        var count = Items(JsonDocument.Parse(bytes).RootElement).Count;
        if (count != FrameworkData.Items)
        {
            throw new InvalidOperationException($"the project's checklist has {count} items, not {FrameworkData.Items}");
        }

        return new ChecklistTarget(orgId, projectId, path, bytes, count);
    }

    private static List<JsonElement> Items(JsonElement checklist)
        => [.. checklist.GetProperty("categories").EnumerateArray()
            .SelectMany(c => c.GetProperty("subcategories").EnumerateArray())
            .SelectMany(s => s.GetProperty("items").EnumerateArray())];

    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body, CancellationToken cancellationToken)
        => await ReadAsync(await api.PostAsJsonAsync(path, body, Json, cancellationToken), cancellationToken);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
