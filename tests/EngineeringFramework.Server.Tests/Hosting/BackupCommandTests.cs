using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// <c>admin backup</c> and <c>admin restore</c> as processes: a backup taken while a server runs and writes, restored
/// into a fresh data folder and database, gives back the data, the accounts and the sealed key ring, as of the backup.
/// </summary>
public sealed class BackupCommandTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_taken_while_the_server_runs_restores_into_a_fresh_data_folder_with_its_data_accounts_and_sealed_secrets()
    {
        if (TestDatabase.DefaultProvider != DatabaseProvider.Sqlite)
        {
            Assert.Skip("admin backup and restore serve the SQLite database; PostgreSQL uses pg_dump and pg_restore.");
        }

        var key = new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = EncryptionKey.Generate() };
        var backup = Path.Combine(Directory.CreateTempSubdirectory("ef-backup-").FullName, "nested", "backup.db");
        await using var original = await AdminDeployment.CreateAsync(key);
        Assert.Equal(0, (await original.AdminAsync(Accounts.Password, "create-user", "--email", "ada@example.test", "--password-stdin")).ExitCode);
        string sealedPayload;
        await using (var server = await original.StartServerAsync())
        {
            using var ada = server.ClientWithToken(await TokenAsync(original));
            Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/v1/organizations", new { name = "Kept safe" }, Cancel)).StatusCode);
            sealedPayload = server.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("backup-test").Protect("sealed before the backup");

            var taken = await original.AdminAsync(null, "backup", backup);
            Assert.True(taken.ExitCode == 0, taken.Error);
            Assert.Contains("the same ENCRYPTION_KEY", taken.Output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
            }

            // Written after the backup: not in it.
            Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/v1/organizations", new { name = "After the backup" }, Cancel)).StatusCode);
            var again = await original.AdminAsync(null, "backup", backup);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("never overwrites", again.Error, StringComparison.Ordinal);
        }

        await using var restored = await AdminDeployment.CreateAsync(key);
        var unconfirmed = await restored.AdminAsync(null, "restore", backup);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Error, StringComparison.Ordinal);
        var restore = await restored.AdminAsync(null, "restore", backup, "--yes");
        Assert.True(restore.ExitCode == 0, restore.Error);

        await using (var server = await restored.StartServerAsync())
        {
            using var ada = server.ClientWithToken(await TokenAsync(restored));
            var me = await (await ada.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
            var organizations = me.GetProperty("memberships").EnumerateArray().Select(m => m.GetProperty("organizationName").GetString()).ToList();
            Assert.Equal(["Kept safe"], organizations);
            Assert.Equal("sealed before the backup", server.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("backup-test").Unprotect(sealedPayload));

            // A running server holds the database: restoring under it is refused.
            var underServer = await restored.AdminAsync(null, "restore", backup, "--yes");
            Assert.Equal(1, underServer.ExitCode);
            Assert.Contains("Stop it before restoring", underServer.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing()
    {
        if (TestDatabase.DefaultProvider != DatabaseProvider.Sqlite)
        {
            Assert.Skip("admin restore serves the SQLite database.");
        }

        var notABackup = Path.Combine(Directory.CreateTempSubdirectory("ef-backup-").FullName, "notes.txt");
        await File.WriteAllTextAsync(notABackup, "not a database", Cancel);
        await using var deployment = await AdminDeployment.CreateAsync();
        Assert.Equal(0, (await deployment.AdminAsync(Accounts.Password, "create-user", "--email", "ada@example.test", "--password-stdin")).ExitCode);

        var refused = await deployment.AdminAsync(null, "restore", notABackup, "--yes");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Nothing", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await deployment.AdminAsync(null, "token", "--email", "ada@example.test", "--audience", AdminDeployment.Api)).ExitCode);
    }

    private static async Task<string> TokenAsync(AdminDeployment deployment)
    {
        var minted = await deployment.AdminAsync(null, "token", "--email", "ada@example.test", "--audience", AdminDeployment.Api);
        Assert.True(minted.ExitCode == 0, minted.Error);
        return minted.Output.Trim();
    }
}
