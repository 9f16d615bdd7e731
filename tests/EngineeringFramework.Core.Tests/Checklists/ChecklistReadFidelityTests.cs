using System.Text;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.Checklists;

/// <summary>
/// The checklist read returns every stored value exactly, whichever way the provider reads it (on SQLite, one value
/// SQLite builds as JSON; on PostgreSQL, plain columns): compared field by field with the rows EF Core loads as entities.
/// </summary>
public sealed class ChecklistReadFidelityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Text that JSON must escape or carry: quotes, backslashes, control characters, separators, non-ASCII, surrogate pairs.</summary>
    private const string AwkwardText = "He said \"ship it\" \\ then left.\nTabs\tand\r\nlines, a bell \u0007, NUL-free ] [ } { , \u00e9\u00e8 \u4e2d\u6587 \U0001F680 \u2028\u2029 end";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_stored_value_comes_back_exactly_from_the_checklist_read(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(2, 2, 3));
        var project = (await world.CreateProjectAsync()).Project.Id;
        var longNotes = new StringBuilder().Insert(0, AwkwardText + " ", 150).ToString();
        await world.Checklists(world.Ada, async (s, c) =>
        {
            var items = (await s.GetAsync(c, world.Acme, project, Cancel)).Categories.SelectMany(x => x.Subcategories).SelectMany(x => x.Items).ToList();
            return await s.UpdateItemsAsync(c, world.Acme, project, new([
                new(items[0].Id, items[0].Version, ChecklistItemStatus.InProgress, Notes: AwkwardText, AssigneeUserId: world.Ben.UserId, DueDate: new DateOnly(2031, 2, 28),
                    EvidenceLinks: ["https://example.com/a?b=1&c=\"2\"", "https://例え.jp/パス", "http://example.org/%20x"]),
                new(items[1].Id, items[1].Version, ChecklistItemStatus.NotApplicable, NotApplicableReason: AwkwardText),
                new(items[2].Id, items[2].Version, ChecklistItemStatus.Done, Notes: longNotes, DueDate: new DateOnly(1999, 12, 31)),
                new(items[3].Id, items[3].Version, ChecklistItemStatus.NotStarted, Notes: string.Empty),
            ]), Cancel);
        });

        var read = (await world.ChecklistAsync(project)).AllItems().ToList();
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var stored = await db.ChecklistItems.AsNoTracking().Where(i => i.ProjectId == project).ToDictionaryAsync(i => i.Id, Cancel);

        Assert.Equal(12, read.Count);
        Assert.Equal(stored.Keys.Order(), read.Select(i => i.Id).Order());
        foreach (var item in read)
        {
            var row = stored[item.Id];
            Assert.Equal(
                (row.Status, row.NotApplicableReason, row.Notes, row.AssigneeUserId, row.DueDate, row.UpdatedAt, row.UpdatedByUserId, row.Version),
                (item.Status, item.NotApplicableReason, item.Notes, item.AssigneeUserId, item.DueDate, item.UpdatedAt, item.UpdatedByUserId, item.Version));
            Assert.Equal(row.EvidenceLinks, item.EvidenceLinks);
            Assert.Equal(DateTimeKind.Utc, item.UpdatedAt.Kind);
        }

        // The awkward values really were stored and read back, not lost on both sides alike.
        Assert.Contains(read, i => i.Notes == AwkwardText && i.EvidenceLinks.Count == 3 && i.AssigneeUserId == world.Ben.UserId);
        Assert.Contains(read, i => i.NotApplicableReason == AwkwardText);
        Assert.Contains(read, i => i.Notes == longNotes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void No_matching_rows_read_as_no_states(string text)
        => Assert.Empty(SqliteItemStates.Parse(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("[\"not-a-guid\",\"Done\",null,null,null,null,[],\"2026-01-01 00:00:00\",null,1]")]
    [InlineData("[\"0193A3B4-0000-7000-8000-000000000001\",\"Finished\",null,null,null,null,[],\"2026-01-01 00:00:00\",null,1]")]
    [InlineData("[\"0193A3B4-0000-7000-8000-000000000001\",\"Done\",null,null,null,null,[],\"2026-01-01 00:00:00\",null]")]
    [InlineData("[\"0193A3B4-0000-7000-8000-000000000001\",\"Done\",null,null,null,null,\"[]\",\"2026-01-01 00:00:00\",null,1]")]
    [InlineData("[\"0193A3B4-0000-7000-8000-000000000001\",\"Done\",null,null,null,null,[],\"2026-01-01 00:00:00\",null,1,7]")]
    [InlineData("[\"0193A3B4-0000-7000-8000-000000000001\",\"Done\",null,null,null,null,[],\"2026-01-01 00:00:00\",null,1,null,\"Finished\"]")]
    [InlineData("{\"id\":1}")]
    public void A_value_not_in_the_written_shape_is_refused_rather_than_misread(string text)
        => Assert.Throws<InvalidOperationException>(() => SqliteItemStates.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_stored_row_reads_into_every_field()
    {
        var state = Assert.Single(SqliteItemStates.Parse(Encoding.UTF8.GetBytes(
            "[\"0193A3B4-0000-7000-8000-000000000001\",\"NotApplicable\",\"Not ours.\",\"a \\\"b\\\"\",\"0193a3b4-0000-7000-8000-000000000002\",\"2031-02-28\",[\"https://x.test/1\"],\"2026-03-04 05:06:07.1234567\",null,42,\"2026-05-06 07:08:09\",\"Done\",\"2026-03-01 10:00:00\",\"2026-04-01 11:00:00.5\",30,\"2026-04-02 12:00:00\"]")));

        Assert.Equal(
            new ChecklistReader.ItemState(Guid.Parse("0193a3b4-0000-7000-8000-000000000001"), ChecklistItemStatus.NotApplicable, "Not ours.", "a \"b\"",
                Guid.Parse("0193a3b4-0000-7000-8000-000000000002"), new DateOnly(2031, 2, 28), state.EvidenceLinks, new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234567), null, 42,
                new DateTime(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc), ChecklistItemStatus.Done,
                new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 4, 1, 11, 0, 0, 500, DateTimeKind.Utc), 30,
                new DateTime(2026, 4, 2, 12, 0, 0, DateTimeKind.Utc)),
            state);
        Assert.Equal(["https://x.test/1"], state.EvidenceLinks);
    }
}
