using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// Hostile input on the surfaces the OpenAPI fuzz test (<c>Api/ApiFuzzTests</c>) does not reach: the sign-in authority's
/// endpoints (token, authorize, revoke, register, end session, metadata), the GitHub webhook, the account pages' form posts
/// and the UI's routes. Fields generated from <see cref="SchemaFuzz.AnyString"/> (odd Unicode, lone surrogates, NUL, huge),
/// odd path segments, wrong content types and garbage bodies; seeded by <see cref="FuzzRun"/>. Whatever arrives, nothing
/// answers 5xx. (Their error formats are their standards': OAuth's <c>error</c> JSON, HTML pages; the API's problem
/// documents are checked by the API fuzz test.)
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private static readonly string[] OddSegments =
    [
        "00000000-0000-0000-0000-000000000000", "not-a-guid", "%ED%A0%80", "%00", "a%00b", "..", "%2E%2E", "%2F", "%5C", "%25", "%F0%9F%92%A9",
        "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "x".PadRight(2000, 'x'),
    ];

    private static readonly string[] FormTargets =
    [
        "/connect/token", "/connect/revoke", "/connect/authorize", "/connect/endsession", "/Account/SignIn", "/Account/SignUp", "/Account/ForgotPassword",
        "/Account/ResetPassword", "/Account/SignInTwoFactor", "/Account/ConfirmEmail", "/Manage/ChangePassword", "/Manage/DeleteAccount", "/onboarding",
    ];

    private static readonly string[] OAuthFields =
    [
        "grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier", "refresh_token", "scope", "resource", "token", "token_type_hint",
        "response_type", "state", "nonce", "code_challenge", "code_challenge_method", "prompt", "id_token_hint", "post_logout_redirect_uri", "__RequestVerificationToken",
        "Input.Email", "Input.Password", "Input.Code", "Input.ConfirmPassword", "name", "returnUrl",
    ];

    private static readonly string[] GetTargets =
    [
        "/connect/authorize", "/connect/endsession", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks",
        "/.well-known/oauth-protected-resource", "/Account/SignIn", "/Account/ConfirmEmail", "/Account/ResetPassword", "/Account/ConfirmEmailChange", "/",
        "/security", "/onboarding", "/not-found",
    ];

    private static readonly string[] UiRoutes =
    [
        "/orgs/{0}", "/orgs/{0}/departments", "/orgs/{0}/departments/{0}", "/orgs/{0}/projects/{0}", "/orgs/{0}/projects/{0}/items/{0}", "/orgs/{0}/members",
        "/orgs/{0}/settings", "/orgs/{0}/settings/github", "/orgs/{0}/role-templates", "/orgs/{0}/role-templates/{0}", "/invitations/{0}", "/webhooks/github/{0}",
    ];

    private TestApp app = null!;
    private OrgUser ada = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "1000000", ["RateLimiting:ClientRegistrationsPerHour"] = "10000" });
        ada = await app.OnboardAsync("hostile-ada", "Acme");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Nothing_sent_to_the_authority_the_webhook_the_account_pages_or_the_ui_is_answered_with_a_server_error()
    {
        var failures = new FuzzFailures();
        var pcg = new PCG(1, FuzzRun.Seed);
        var value = SchemaFuzz.AnyString;
        var anyOf = (string[] options) => Gen.OneOf(options.Select(Gen.Const).ToArray());
        var field = anyOf(OAuthFields);
        var form = Gen.Select(field, value).List[0, 8];
        var segment = Gen.Frequency((3, anyOf(OddSegments)), (1, SchemaFuzz.Guid), (1, Gen.Const(ada.OrgId.ToString())));
        var contentType = anyOf(["application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=bogus", "application/json; charset=utf-7", ""]);
        var iterations = FuzzRun.Iterations(300);

        for (var i = 0; i < iterations; i++)
        {
            using var request = (i % 5) switch
            {
                0 => FormPost(anyOf(FormTargets).Generate(pcg, null, out _), form.Generate(pcg, null, out _), contentType.Generate(pcg, null, out _)),
                1 => new HttpRequestMessage(HttpMethod.Get, anyOf(GetTargets).Generate(pcg, null, out _) + "?" + Query(form.Generate(pcg, null, out _))),
                2 => new HttpRequestMessage(HttpMethod.Get, string.Format(System.Globalization.CultureInfo.InvariantCulture, anyOf(UiRoutes).Generate(pcg, null, out _), segment.Generate(pcg, null, out _))),
                3 => Webhook(segment.Generate(pcg, null, out _), value.Generate(pcg, null, out _), value.Generate(pcg, null, out _), value.Generate(pcg, null, out _)),
                _ => Register(value.Generate(pcg, null, out _), contentType.Generate(pcg, null, out _)),
            };
            var description = $"{request.Method} {FuzzRun.Truncate(request.RequestUri?.ToString(), 300)} ({request.Content?.Headers.ContentType?.ToString() ?? "no body"}) {FuzzRun.Truncate(request.Content is null ? null : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync(Cancel)), 300)}";
            // A signed-in caller for the UI's routes half the time: a page behind sign-in must survive odd ids too.
            var client = i % 2 == 0 && i % 5 == 2 ? ada.Client : app.Client;
            using var response = await client.SendAsync(request, Cancel);
            if ((int)response.StatusCode >= 500)
            {
                var body = await response.Content.ReadAsStringAsync(Cancel);
                failures.Add($"{request.Method} {request.RequestUri?.AbsolutePath.Split('/').Skip(1).FirstOrDefault()}: {(int)response.StatusCode}", $"{description}\n→ {(int)response.StatusCode} {FuzzRun.Truncate(body)}");
            }
        }

        failures.AssertNone();
    }

    private static HttpRequestMessage FormPost(string target, List<(string Name, string Value)> fields, string contentType)
    {
        var body = Query(fields);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType.Length > 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, target) { Content = content };
    }

    private static HttpRequestMessage Webhook(string organization, string @event, string signature, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github/" + organization) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-GitHub-Event", Header(@event));
        request.Headers.TryAddWithoutValidation("X-GitHub-Delivery", Header(signature));
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Header(signature));
        return request;
    }

    private static HttpRequestMessage Register(string text, string contentType)
    {
        var content = new StringContent($"{{\"client_name\":{SchemaFuzz.Quote(text)},\"redirect_uris\":[{SchemaFuzz.Quote(text)}],\"grant_types\":[{SchemaFuzz.Quote(text)}],\"token_endpoint_auth_method\":{SchemaFuzz.Quote(text)}}}");
        content.Headers.ContentType = contentType.Length > 0 && MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : null;
        return new HttpRequestMessage(HttpMethod.Post, "/connect/register") { Content = content };
    }

    private static string Query(List<(string Name, string Value)> fields)
        => string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Escape(f.Value)));

    /// <summary>Percent-encodes what <see cref="Uri.EscapeDataString"/> can (a lone surrogate it cannot: sent as its raw UTF-16 code unit, %ED%A0%80 style).</summary>
    private static string Escape(string value)
    {
        var text = value.Length > 4000 ? value[..4000] : value;
        try
        {
            return Uri.EscapeDataString(text);
        }
        catch (UriFormatException)
        {
            return "%ED%A0%80" + Uri.EscapeDataString(new string([.. text.Where(c => !char.IsSurrogate(c))]));
        }
    }

    /// <summary>A header value HTTP can carry: visible ASCII, cut short (the rest of the odd strings goes in the body).</summary>
    private static string Header(string value) => new([.. value.Where(c => c is >= ' ' and <= '~').Take(200)]);
}
