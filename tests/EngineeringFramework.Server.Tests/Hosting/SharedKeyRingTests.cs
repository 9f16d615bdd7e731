using System.Net;
using System.Xml.Linq;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.DataProtection;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Tests.Ui;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// The data-protection key ring (session cookies, antiforgery tokens, account links) lives in the database, sealed
/// under ENCRYPTION_KEY: an instance with its own empty data folder reads what another issued, and nothing readable
/// is left in the table.
/// </summary>
public sealed class SharedKeyRingTests
{
    private const string Email = "ring@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_on_one_PostgreSQL_database_accept_each_others_session_cookie_and_antiforgery_token()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        var key = EncryptionKey.Generate();
        await using var a = await StartAsync(database, key);
        await using var b = await StartAsync(database, key);

        var (cookies, form) = await SignInAndReadFormOnAsync(a);

        await AssertAcceptedAsync(b, cookies, form);
        // Through the database: one key, made by the first instance, and the only one either instance knows (a ring
        // kept in a home folder or in memory would show other keys there, or none in the table).
        Assert.Single(await KeyRowsAsync(database));
        await AssertRingIsTheDatabasesAsync(a, database);
        await AssertRingIsTheDatabasesAsync(b, database);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_server_restarted_with_a_new_data_folder_accepts_the_session_cookie_and_antiforgery_token_issued_before(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var key = EncryptionKey.Generate();
        CookieContainer cookies;
        IReadOnlyDictionary<string, string> form;
        await using (var before = await StartAsync(database, key))
        {
            (cookies, form) = await SignInAndReadFormOnAsync(before);
        }

        // As a replaced container: same database and ENCRYPTION_KEY, a fresh data folder, the first process gone.
        await using var after = await StartAsync(database, key);

        await AssertAcceptedAsync(after, cookies, form);
        await AssertRingIsTheDatabasesAsync(after, database);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Stored_key_ring_holds_no_key_material_in_clear(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var app = await StartAsync(database, EncryptionKey.Generate());
        var (_, _) = await SignInAndReadFormOnAsync(app);

        var xml = Assert.Single(await KeyRowsAsync(database));
        var stored = XElement.Parse(xml);
        var sealedSecret = Assert.Single(stored.Descendants(KeyRingSeal.SealedElement));
        // The master key as data protection uses it, opened with the instance's own seal: nowhere in the row.
        var masterKey = app.App.Services.GetRequiredService<KeyRingSeal>().Open(sealedSecret).Descendants("value").Single().Value;
        Assert.True(Convert.FromBase64String(masterKey).Length >= 32);
        Assert.DoesNotContain(masterKey, xml, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_different_ENCRYPTION_KEY_cannot_read_the_ring_so_people_sign_in_again_and_the_server_keeps_serving(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        CookieContainer cookies;
        await using (var before = await StartAsync(database, EncryptionKey.Generate()))
        {
            (cookies, _) = await SignInAndReadFormOnAsync(before);
        }

        await using var after = await StartAsync(database, EncryptionKey.Generate());

        using var oldSession = new BrowserSession(after.BaseAddress, cookies);
        using (var page = await oldSession.GetAsync("/onboarding"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/Account/SignIn", Page.LocalPath(page.Headers.Location)!.Split('?')[0]);
        }

        Assert.Contains(after.Logs.GetSnapshot(), r => r.Message.Contains("cannot be decrypted with the current ENCRYPTION_KEY", StringComparison.Ordinal));
        // The unreadable key stays (an operator may restore the old ENCRYPTION_KEY); a new one serves from now on.
        Assert.Equal(2, (await KeyRowsAsync(database)).Count);
        using var fresh = new BrowserSession(after.BaseAddress);
        using var signedIn = await Accounts.SignInAsync(fresh, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var onboarding = await fresh.GetAsync("/onboarding");
        Assert.Equal(HttpStatusCode.OK, onboarding.StatusCode);
    }

    private static Task<TestApp> StartAsync(TestDatabase database, string encryptionKey)
        => TestApp.StartAsync(sharedDatabase: database, settings: new Dictionary<string, string?>
        {
            [ServerSettings.EncryptionKeyKey] = encryptionKey,
        });

    /// <summary>Signs in on <paramref name="app"/> and reads the onboarding form there (its antiforgery token included).</summary>
    private static async Task<(CookieContainer Cookies, IReadOnlyDictionary<string, string> Form)> SignInAndReadFormOnAsync(TestApp app)
    {
        if (!await AccountExistsAsync(app))
        {
            await LocalAccountSeed.CreateAsync(app, Email);
        }

        var browser = new BrowserSession(app.BaseAddress);
        using var signedIn = await Accounts.SignInAsync(browser, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var response = await browser.GetAsync("/onboarding");
        var page = await Page.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("__RequestVerificationToken", page.Form("create-organization").Keys);
        return (browser.Cookies, page.Form("create-organization"));
    }

    private static async Task<bool> AccountExistsAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Microsoft.AspNetCore.Identity.IdentityUser>>();
        return await users.FindByEmailAsync(Email) is not null;
    }

    /// <summary>Posts the form read on another instance to <paramref name="app"/> with that instance's cookies: it creates the organization.</summary>
    private static async Task AssertAcceptedAsync(TestApp app, CookieContainer cookies, IReadOnlyDictionary<string, string> form)
    {
        using var browser = new BrowserSession(app.BaseAddress, cookies);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["Create.Name"] = "Shared ring" });
        using var created = await browser.Client.PostAsync(new Uri("/onboarding", UriKind.Relative), content, Cancel);

        // Not 400 (antiforgery token refused) and not a redirect to sign-in (session cookie unreadable).
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches("^/orgs/[0-9a-f-]{36}$", Page.LocalPath(created.Headers.Location));
    }

    /// <summary>The keys <paramref name="app"/>'s data protection knows are exactly the rows of the database's table.</summary>
    private static async Task AssertRingIsTheDatabasesAsync(TestApp app, TestDatabase database)
    {
        var stored = (await KeyRowsAsync(database)).Select(xml => Guid.Parse(XElement.Parse(xml).Attribute("id")!.Value)).Order();
        var known = app.App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>().GetAllKeys().Select(k => k.KeyId).Order();
        Assert.Equal(stored, known);
    }

    private static async Task<List<string>> KeyRowsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.KeyRingEntries.AsNoTracking().Select(k => k.Xml).ToListAsync(Cancel);
    }
}
