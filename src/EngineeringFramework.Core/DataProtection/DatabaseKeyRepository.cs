using System.Xml.Linq;
using EngineeringFramework.Core.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.DataProtection;

/// <summary>
/// Keeps the data-protection key ring in the product database (table <c>DataProtectionKeys</c>), so every instance
/// reads and writes one ring: a cookie or antiforgery token issued by one instance is read by any other, and keys
/// survive a replaced container.
/// </summary>
/// <remarks>
/// Why our own <see cref="IXmlRepository"/> over <see cref="AppDbContext"/> rather than
/// Microsoft.AspNetCore.DataProtection.EntityFrameworkCore: that package's repository is a few lines over its own
/// entity (an integer id and an interface the context must implement); ours is the same few lines over an entity
/// that follows this schema's conventions (GUID v7 ids, configuration beside the entity, migrations for both
/// providers from the one model), needs no extra package, and refuses to store a key whose secret is not sealed, so
/// a misconfiguration can never put key material in the database in clear.
/// Data protection calls this synchronously (under its own lock, only when it loads the ring or adds a key), so the
/// queries are synchronous too; each call leases its own context from a fresh scope.
/// </remarks>
internal sealed class DatabaseKeyRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Version 7 ids sort by creation time, so an operator (and data protection's log) sees the ring in order.
        var rows = db.KeyRingEntries.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList();
        return [.. rows.Select(xml => XElement.Parse(xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (element.Name == "key" && !element.Descendants(KeyRingSeal.SealedElement).Any())
        {
            throw new InvalidOperationException("Refusing to store a data-protection key whose secret is not sealed with ENCRYPTION_KEY.");
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.KeyRingEntries.Add(new KeyRingEntry { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
