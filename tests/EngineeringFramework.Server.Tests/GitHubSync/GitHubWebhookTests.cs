using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.GitHubSync;

/// <summary>Deliveries to /webhooks/github/{org}, each with the answer GitHub's documentation leads a receiver to give.</summary>
public sealed class GitHubWebhookTests(GitHubSyncServer server) : IClassFixture<GitHubSyncServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_push_to_the_configured_branch_queues_one_sync_and_a_redelivery_queues_nothing()
    {
        var (org, secret, url) = await ConnectedAsync();
        var body = PushBody("refs/heads/main", org.Owner);

        var first = await DeliverAsync(url, body, "push", "delivery-1", Sign(secret, body));
        var again = await DeliverAsync(url, body, "push", "delivery-1", Sign(secret, body));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal((1, 1), await CountsAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task Pings_and_pushes_elsewhere_are_acknowledged_and_ignored()
    {
        var (org, secret, url) = await ConnectedAsync();
        var ping = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome.","hook_id":1}""");
        // A tag is not a branch, and a deleted branch has no commit to check.
        var tag = PushBody("refs/tags/v1", org.Owner);
        var deletion = PushBody("refs/heads/feature", org.Owner, after: new string('0', 40), deleted: true);
        var otherRepository = PushBody("refs/heads/main", "someone-else");
        var issue = Encoding.UTF8.GetBytes("""{"action":"opened"}""");

        var pong = await DeliverAsync(url, ping, "ping", "d-ping", Sign(secret, ping));
        var tagged = await DeliverAsync(url, tag, "push", "d-tag", Sign(secret, tag));
        var deleted = await DeliverAsync(url, deletion, "push", "d-deleted", Sign(secret, deletion));
        var repository = await DeliverAsync(url, otherRepository, "push", "d-repo", Sign(secret, otherRepository));
        var other = await DeliverAsync(url, issue, "issues", "d-issue", Sign(secret, issue));

        Assert.Equal(
            [(HttpStatusCode.OK, "pong"), (HttpStatusCode.OK, "ignored"), (HttpStatusCode.OK, "ignored"), (HttpStatusCode.OK, "ignored"), (HttpStatusCode.OK, "ignored")],
            [await AnswerAsync(pong), await AnswerAsync(tagged), await AnswerAsync(deleted), await AnswerAsync(repository), await AnswerAsync(other)]);
        Assert.Equal((0, 0), await CountsAsync(org.Admin.OrgId));
        Assert.Equal(0, await ChecksAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task Deliveries_without_a_valid_SHA_256_signature_are_refused_with_no_detail()
    {
        var (org, secret, url) = await ConnectedAsync();
        var body = PushBody("refs/heads/main", org.Owner);
        var wrongKey = Sign("not-the-secret", body);
        var tampered = Sign(secret, body.Concat(" "u8.ToArray()).ToArray());
        var sha1 = "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), body));

        var answers = new[]
        {
            await DeliverAsync(url, body, "push", "d-1", wrongKey),
            await DeliverAsync(url, body, "push", "d-2", tampered),
            await DeliverAsync(url, body, "push", "d-3", null),
            await DeliverAsync(url, body, "push", "d-4", null, legacySha1: sha1),
            await DeliverAsync(url, body, "push", "d-5", "sha256=zz" + new string('0', 62)),
            await DeliverAsync(url, body, "push", "d-6", Sign(secret, body).ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal)[..^2]),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            var problem = await answer.ReadJsonAsync();
            Assert.False(problem.TryGetProperty("detail", out _), "a refused delivery explains nothing");
        }

        Assert.Equal((0, 0), await CountsAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task A_signature_off_in_its_last_digit_or_one_middle_byte_or_cut_short_is_refused()
    {
        var (org, secret, url) = await ConnectedAsync();
        var body = PushBody("refs/heads/main", org.Owner);
        var valid = Sign(secret, body);
        var digits = valid["sha256=".Length..];
        var lastDigitFlipped = valid[..^1] + (valid[^1] == '0' ? '1' : '0');
        // Byte 17 of 32 (hex digits 33 and 34): past any prefix a shortened comparison would still look at.
        var middle = Convert.FromHexString(digits);
        middle[16] ^= 0x01;
        var middleByteOff = "sha256=" + Convert.ToHexStringLower(middle);
        var firstHalfOnly = "sha256=" + digits[..32];
        var lastDigitDropped = valid[..^1];

        var refused = new[]
        {
            await DeliverAsync(url, body, "push", "s-1", lastDigitFlipped),
            await DeliverAsync(url, body, "push", "s-2", middleByteOff),
            await DeliverAsync(url, body, "push", "s-3", firstHalfOnly),
            await DeliverAsync(url, body, "push", "s-4", lastDigitDropped),
        };

        Assert.Equal(valid.Length, lastDigitFlipped.Length);
        Assert.Equal(valid.Length, middleByteOff.Length);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, refused.Length), refused.Select(r => r.StatusCode));
        Assert.Equal((0, 0), await CountsAsync(org.Admin.OrgId));
        // The same body with the untouched signature goes through: the refusals above were the signature's alone.
        Assert.Equal(HttpStatusCode.Accepted, (await DeliverAsync(url, body, "push", "s-5", valid)).StatusCode);
        Assert.Equal((1, 1), await CountsAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task A_signed_push_that_cannot_be_read_is_a_400_and_queues_nothing()
    {
        var (org, secret, url) = await ConnectedAsync();
        var notJson = Encoding.UTF8.GetBytes("{\"ref\": ");
        var noRef = Encoding.UTF8.GetBytes("{\"after\":\"abc\"}");
        var body = PushBody("refs/heads/main", org.Owner);

        var answers = new[]
        {
            await DeliverAsync(url, notJson, "push", "m-1", Sign(secret, notJson)),
            await DeliverAsync(url, noRef, "push", "m-2", Sign(secret, noRef)),
            await DeliverAsync(url, body, "push", "", Sign(secret, body)),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Equal((0, 0), await CountsAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task An_organization_without_a_connection_answers_like_a_wrong_signature()
    {
        var body = PushBody("refs/heads/main", "nobody");
        var unknown = await DeliverAsync(new Uri(server.App.BaseAddress, $"/webhooks/github/{Guid.NewGuid()}"), body, "push", "d-x", Sign("guess", body));

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Only_JSON_bodies_of_bounded_size_are_read()
    {
        var (org, secret, url) = await ConnectedAsync();
        var form = Encoding.UTF8.GetBytes("payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D");
        var huge = new byte[6 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');

        var wrongType = await DeliverAsync(url, form, "push", "d-form", Sign(secret, form), contentType: "application/x-www-form-urlencoded");
        var tooLarge = await DeliverAsync(url, huge, "push", "d-huge", Sign(secret, huge));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal((0, 0), await CountsAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task A_regenerated_secret_replaces_the_old_one_at_once()
    {
        var (org, oldSecret, url) = await ConnectedAsync();
        var regenerated = await org.Admin.Client.PostAsync($"{ApiTestKit.OrgPath(org.Admin.OrgId)}/github-sync/webhook/secret", null, Cancel);
        var newSecret = (await regenerated.ReadJsonAsync()).GetProperty("secret").GetString()!;
        var body = Encoding.UTF8.GetBytes("{}");

        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(64, newSecret.Length);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(url, body, "ping", "p-1", Sign(oldSecret, body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(url, body, "ping", "p-2", Sign(newSecret, body))).StatusCode);
    }

    private async Task<((OrgUser Admin, string Owner) Org, string Secret, Uri Url)> ConnectedAsync()
    {
        var org = await server.OrganizationAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.ConfigureAsync(org.Admin, org.Owner)).StatusCode);
        var webhook = await (await org.Admin.Client.GetAsync($"{ApiTestKit.OrgPath(org.Admin.OrgId)}/github-sync/webhook", Cancel)).ReadJsonAsync();
        var url = new Uri(webhook.GetProperty("url").GetString()!);
        // PUBLIC_URL is the listening address in Development, so the advertised URL is directly reachable.
        Assert.Equal($"/webhooks/github/{org.Admin.OrgId}", url.AbsolutePath);
        return (org, webhook.GetProperty("secret").GetString()!, new Uri(server.App.BaseAddress, url.AbsolutePath));
    }

    private async Task<HttpResponseMessage> DeliverAsync(Uri url, byte[] body, string eventName, string deliveryId, string? signature256, string? legacySha1 = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/test");
        // The body is sent only once the server asks for it, so a refusal before reading (413) arrives cleanly.
        request.Headers.ExpectContinue = body.Length > 64 * 1024;
        if (signature256 is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature256);
        }

        if (legacySha1 is not null)
        {
            request.Headers.Add("X-Hub-Signature", legacySha1);
        }

        return await server.App.Client.SendAsync(request, Cancel);
    }

    private static async Task<(HttpStatusCode, string?)> AnswerAsync(HttpResponseMessage response)
        => (response.StatusCode, (await response.ReadJsonAsync()).GetProperty("status").GetString());

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static byte[] PushBody(string pushedRef, string owner, string? after = null, bool deleted = false) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
    {
        @ref = pushedRef,
        before = new string('0', 40),
        after = after ?? new string('a', 40),
        deleted,
        repository = new { full_name = $"{owner}/standards", name = "standards" },
        pusher = new { name = "octocat" },
    });

    /// <summary>(sync jobs, remembered deliveries) of the organization; checks are counted by <see cref="ChecksAsync"/>.</summary>
    private async Task<(int Jobs, int Deliveries)> CountsAsync(Guid orgId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.GitHubSyncJobs.CountAsync(j => j.Kind == GitHubSyncJobKind.Sync, Cancel), await db.GitHubWebhookDeliveries.CountAsync(Cancel));
    }

    private async Task<int> ChecksAsync(Guid orgId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkChecks.CountAsync(Cancel);
    }
}
