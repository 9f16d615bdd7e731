using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// A signed-in browser for the UI's pages: a <see cref="BrowserSession"/> (cookies, no automatic redirects)
/// that fills and posts the pages' Blazor forms the way a browser would, with every hidden field the form
/// carries (antiforgery token, form name, item version) plus the fields the test types.
/// </summary>
internal sealed partial class UiBrowser : IDisposable
{
    private UiBrowser(BrowserSession session) => Session = session;

    public BrowserSession Session { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<UiBrowser> SignUpAsync(TestApp app, string email)
    {
        var session = new BrowserSession(app.BaseAddress);
        using var signUp = await session.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["Input.ConfirmPassword"] = Accounts.Password,
        });
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        using var confirm = await session.GetAsync(await ConfirmationLinkAsync(app, email));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        using var signedIn = await Accounts.SignInAsync(session, email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return new UiBrowser(session);
    }

    /// <summary>Signs up and creates an organization through the onboarding form; returns the browser and the organization's id.</summary>
    public static async Task<(UiBrowser Browser, Guid OrgId)> WithOrganizationAsync(TestApp app, string email, string organization)
    {
        var browser = await SignUpAsync(app, email);
        using var created = await browser.SubmitAsync("/onboarding", "create-organization", new() { ["Create.Name"] = organization });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return (browser, Guid.Parse(OrgPath().Match(Page.LocalPath(created.Headers.Location)!).Groups[1].Value));
    }

    /// <summary>The confirmation link mailed to <paramref name="email"/> (several people sign up in one outbox).</summary>
    private static async Task<string> ConfirmationLinkAsync(TestApp app, string email)
    {
        var message = (await Outbox.MessagesAsync(app))
            .Single(m => m.Contains("To: " + email, StringComparison.OrdinalIgnoreCase) && m.Contains("/Account/ConfirmEmail", StringComparison.Ordinal));
        return new Uri(ConfirmLink().Match(message).Value).PathAndQuery;
    }

    public async Task<Page> GetAsync(string path)
    {
        using var response = await Session.GetAsync(path);
        return await Page.ReadAsync(response);
    }

    /// <summary>GETs <paramref name="pagePath"/>, finds the form named <paramref name="formName"/>, and posts it back with <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, string formName, Dictionary<string, string> fields)
    {
        var page = await GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await PostAsync(pagePath, page.Form(formName), fields);
    }

    /// <summary>Posts a form read earlier (so a test can post a stale one).</summary>
    public async Task<HttpResponseMessage> PostAsync(string pagePath, IReadOnlyDictionary<string, string> hiddenFields, Dictionary<string, string> fields)
    {
        var values = new Dictionary<string, string>(hiddenFields);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        using var content = new FormUrlEncodedContent(values);
        return await Session.Client.PostAsync(new Uri(pagePath, UriKind.Relative), content, Cancel);
    }

    /// <summary>Posts a form read earlier with fields that may repeat (a checkbox list sends one pair per checked box).</summary>
    public async Task<HttpResponseMessage> PostFieldsAsync(string pagePath, IReadOnlyDictionary<string, string> hiddenFields, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent([.. hiddenFields, .. fields]);
        return await Session.Client.PostAsync(new Uri(pagePath, UriKind.Relative), content, Cancel);
    }

    public void Dispose() => Session.Dispose();

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\S+")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex("^/orgs/([0-9a-f-]{36})$")]
    private static partial Regex OrgPath();
}

/// <summary>A fetched page: status, headers and HTML, with the helpers tests read it through.</summary>
internal sealed partial record Page(HttpStatusCode Status, string Html, string? Location, string? ContentSecurityPolicy)
{
    public static async Task<Page> ReadAsync(HttpResponseMessage response)
        => new(
            response.StatusCode,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            LocalPath(response.Headers.Location),
            response.Headers.TryGetValues("Content-Security-Policy", out var csp) ? string.Join(' ', csp) : null);

    /// <summary>A redirect's target as path and query (the UI redirects to absolute URLs of the requested origin).</summary>
    public static string? LocalPath(Uri? location) => location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery + location.Fragment : location.OriginalString;

    /// <summary>The hidden fields of the form whose Blazor form name (<c>_handler</c>) is <paramref name="formName"/>.</summary>
    public IReadOnlyDictionary<string, string> Form(string formName) => FindForm(formName, null);

    /// <summary>The hidden fields of the plain form that posts to <paramref name="action"/>.</summary>
    public IReadOnlyDictionary<string, string> FormPostingTo(string action) => FindForm(null, action);

    private Dictionary<string, string> FindForm(string? formName, string? action)
    {
        foreach (Match form in FormElement().Matches(Html))
        {
            var fields = new Dictionary<string, string>();
            foreach (Match input in InputElement().Matches(form.Value))
            {
                var tag = input.Value;
                if (Attribute(tag, "type") == "hidden" && Attribute(tag, "name") is { } name)
                {
                    fields[name] = Attribute(tag, "value") ?? string.Empty;
                }
            }

            var named = formName is not null && fields.TryGetValue("_handler", out var handler) && handler == formName;
            var posting = action is not null && Attribute(FormTag().Match(form.Value).Value, "action") == action;
            if (named || posting)
            {
                return fields;
            }
        }

        throw new InvalidOperationException($"The page has no form named '{formName}' or posting to '{action}'.");
    }

    /// <summary>The value of the <c>&lt;progress&gt;</c> labelled <paramref name="label"/>.</summary>
    public int Progress(string label)
    {
        var match = Regex.Match(Html, $"<progress[^>]*value=\"(\\d+)\"[^>]*aria-label=\"{Regex.Escape(WebUtility.HtmlEncode(label))}\"");
        Assert.True(match.Success, $"No progress bar labelled '{label}'.");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every <c>&lt;script&gt;</c> element of the page except the app's own external files (<c>/js/*.js</c>, no inline
    /// code): empty when the page keeps to the CSP's <c>script-src 'self'</c> without relying on it.
    /// </summary>
    public IReadOnlyList<string> ScriptsOtherThanTheAppsFiles()
        => [.. ScriptElement().Matches(Html).Select(m => m.Value).Where(script => !AppScript().IsMatch(script))];

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormElement();

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex FormTag();

    [GeneratedRegex("<script\\b.*?(?:</script>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptElement();

    [GeneratedRegex("^<script src=\"/js/[a-z-]+\\.js\" defer></script>$")]
    private static partial Regex AppScript();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex InputElement();
}
