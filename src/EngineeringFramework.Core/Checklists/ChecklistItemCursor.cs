using System.Buffers.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Position in a project's item list: the framework-order key of the last item read (category order and slug,
/// subcategory order and slug, item order and slug; the item slug is unique in a project, so the order is total).
/// Opaque to callers and bound to nothing secret: used on another project, it only positions within that one.
/// </summary>
internal sealed record ChecklistItemCursor(int C, string Cs, int S, string Ss, int I, string Is)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static ChecklistItemCursor Of(ItemPlace place)
        => new(place.CategoryOrder, place.CategorySlug, place.SubcategoryOrder, place.SubcategorySlug, place.Order, place.ItemSlug);

    /// <summary>Whether <paramref name="place"/> comes after this position in framework order.</summary>
    public bool IsBefore(ItemPlace place)
        => ChecklistReader.Compare(new ItemPlace(Guid.Empty, Cs, string.Empty, C, Ss, string.Empty, S, Is, string.Empty, I, false, null, null), place) < 0;

    public static bool TryDecode(string value, out ChecklistItemCursor? cursor)
    {
        cursor = null;
        try
        {
            cursor = JsonSerializer.Deserialize<ChecklistItemCursor>(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        return cursor is { Cs: not null, Ss: not null, Is: not null };
    }
}
