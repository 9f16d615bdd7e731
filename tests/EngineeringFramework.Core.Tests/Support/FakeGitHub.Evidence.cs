using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EngineeringFramework.Testing;

/// <summary>
/// What evidence checks read: <c>GET /repos/{owner}/{repo}/contents/{path}?ref=</c> (whether a path is there),
/// <c>GET /repos/{owner}/{repo}/commits?sha=&amp;path=</c> (the commits that touched a path, newest
/// first, following each pushed commit's parent as git history would), <c>GET /repos/{owner}/{repo}/commits/{ref}</c>
/// and <c>GET /repos/{owner}/{repo}/pulls/{number}</c>. An unknown reference answers 422 as GitHub does ("No commit found
/// for SHA"); a repository the token cannot see answers 404.
/// </summary>
public sealed partial class FakeGitHub
{
    /// <summary>Opens pull request <paramref name="number"/> (merged or not) in the repository.</summary>
    public void PullRequest(string owner, string repository, int number, bool merged = false)
        => repositories.GetOrAdd($"{owner}/{repository}", _ => new Repo(owner, repository)).PullRequests[number] = (merged ? "closed" : "open", merged);

    /// <summary>The web address of a file at a reference, as people copy it from GitHub's pages.</summary>
    public string FileLink(string owner, string repository, string reference, string path) => $"{ApiUrl}{owner}/{repository}/blob/{reference}/{path}";

    private void MapEvidenceEndpoints(WebApplication app)
    {
        app.MapGet("/repos/{owner}/{repo}/commits", (string owner, string repo, HttpContext context) => GuardedAsync(FakeGitHubEndpoint.Commits, context, () => CommitsOfPathAsync(owner, repo, context)));
        app.MapGet("/repos/{owner}/{repo}/commits/{reference}", (string owner, string repo, string reference, HttpContext context) => GuardedAsync(FakeGitHubEndpoint.Commits, context, () => SingleCommitAsync(owner, repo, reference, context)));
        app.MapGet("/repos/{owner}/{repo}/contents/{**path}", (string owner, string repo, string path, HttpContext context) => GuardedAsync(FakeGitHubEndpoint.Commits, context, () => ContentsAsync(owner, repo, path, context)));
        app.MapGet("/repos/{owner}/{repo}/pulls/{number:int}", (string owner, string repo, int number, HttpContext context) => GuardedAsync(FakeGitHubEndpoint.PullRequest, context, () => PullAsync(owner, repo, number, context)));
    }

    private async Task GuardedAsync(FakeGitHubEndpoint endpoint, HttpContext context, Func<Task> answer)
    {
        if (await FaultAsync(endpoint, context))
        {
            return;
        }

        if (!Authorized(context))
        {
            await Unauthorized(context);
            return;
        }

        await answer();
    }

    private Task CommitsOfPathAsync(string owner, string repo, HttpContext context)
    {
        if (!repositories.TryGetValue($"{owner}/{repo}", out var found))
        {
            return NotFound(context);
        }

        var reference = context.Request.Query["sha"].ToString();
        var path = context.Request.Query["path"].ToString().Trim('/');
        var start = Resolve(found, reference.Length == 0 ? found.Branches.Keys.FirstOrDefault() ?? "main" : reference);
        if (start is null)
        {
            return NoCommit(context, reference);
        }

        var touching = new List<string>();
        for (var sha = start; sha is not null; sha = found.Parents.GetValueOrDefault(sha))
        {
            var parent = found.Parents.GetValueOrDefault(sha);
            var now = Snapshot(found.Commits[sha], path);
            var before = parent is null ? "" : Snapshot(found.Commits[parent], path);
            if (now != before)
            {
                touching.Add(sha);
            }
        }

        var perPage = int.TryParse(context.Request.Query["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 30;
        var page = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
        return context.Response.WriteAsJsonAsync(touching.Skip((page - 1) * perPage).Take(perPage).Select(sha => CommitJson(owner, repo, sha)).ToList());
    }

    /// <summary>A file answers as one object, a folder as the array of its entries, as GitHub's contents API does.</summary>
    private Task ContentsAsync(string owner, string repo, string path, HttpContext context)
    {
        if (!repositories.TryGetValue($"{owner}/{repo}", out var found))
        {
            return NotFound(context);
        }

        var reference = context.Request.Query["ref"].ToString();
        var sha = Resolve(found, reference.Length == 0 ? found.Branches.Keys.FirstOrDefault() ?? "main" : reference);
        if (sha is null)
        {
            return NotFound(context);
        }

        path = path.Trim('/');
        var files = found.Commits[sha];
        Dictionary<string, object> Entry(string name, string type, int size) => new()
        {
            ["type"] = type,
            ["name"] = name.Split('/')[^1],
            ["path"] = name,
            ["sha"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(name + size))),
            ["size"] = size,
            ["url"] = $"{ApiUrl}repos/{owner}/{repo}/contents/{name}",
        };
        if (files.TryGetValue(path, out var file))
        {
            return context.Response.WriteAsJsonAsync(Entry(path, "file", file.Length));
        }

        var inside = files.Where(f => f.Key.StartsWith(path + "/", StringComparison.Ordinal)).ToList();
        return inside.Count == 0
            ? NotFound(context)
            : context.Response.WriteAsJsonAsync(inside.Select(f => Entry(f.Key, "file", f.Value.Length)).ToList());
    }

    private Task SingleCommitAsync(string owner, string repo, string reference, HttpContext context)
    {
        if (!repositories.TryGetValue($"{owner}/{repo}", out var found))
        {
            return NotFound(context);
        }

        return Resolve(found, reference) is { } sha ? context.Response.WriteAsJsonAsync(CommitJson(owner, repo, sha)) : NoCommit(context, reference);
    }

    private Task PullAsync(string owner, string repo, int number, HttpContext context)
    {
        if (!repositories.TryGetValue($"{owner}/{repo}", out var found) || !found.PullRequests.TryGetValue(number, out var pull))
        {
            return NotFound(context);
        }

        return context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["id"] = number,
            ["merged_at"] = pull.Merged ? "2027-01-01T00:00:00Z" : null,
            ["number"] = number,
            ["state"] = pull.State,
            ["merged"] = pull.Merged,
            ["title"] = $"Change {number}",
            ["html_url"] = $"{ApiUrl}{owner}/{repo}/pull/{number}",
        });
    }

    /// <summary>A branch name, a full sha, or an abbreviation of one (at least 7 characters), as GitHub accepts them.</summary>
    private static string? Resolve(Repo repo, string reference)
    {
        if (repo.Branches.TryGetValue(reference, out var head))
        {
            return head;
        }

        var matches = reference.Length >= 7 ? repo.Commits.Keys.Where(k => k.StartsWith(reference, StringComparison.OrdinalIgnoreCase)).Take(2).ToList() : [];
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>The path's content in a commit (a file, or every file under a folder), as one comparable string; empty when absent.</summary>
    private static string Snapshot(IReadOnlyDictionary<string, byte[]> files, string path)
        => string.Join('\n', files
            .Where(f => f.Key == path || f.Key.StartsWith(path + "/", StringComparison.Ordinal))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Value))));

    private Dictionary<string, object> CommitJson(string owner, string repo, string sha) => new()
    {
        ["sha"] = sha,
        ["url"] = $"{ApiUrl}repos/{owner}/{repo}/commits/{sha}",
        ["html_url"] = $"{ApiUrl}{owner}/{repo}/commit/{sha}",
        ["commit"] = new Dictionary<string, object> { ["message"] = $"Commit {sha[..7]}" },
    };

    private static Task NoCommit(HttpContext context, string reference)
    {
        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return context.Response.WriteAsJsonAsync(new { message = $"No commit found for SHA: {reference}", documentation_url = "https://docs.github.com/rest/commits/commits" });
    }
}
