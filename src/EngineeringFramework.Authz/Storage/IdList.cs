using System.Runtime.InteropServices;

namespace EngineeringFramework.Authz.Storage;

/// <summary>
/// A growable index bucket. Most buckets hold one item, so the first lives inline (no array until a second
/// arrives); large buckets get a hash set so membership tests stay O(1).
/// </summary>
internal sealed class IdList<T>
    where T : struct, IEquatable<T>
{
    private const int HashThreshold = 32;

    private T _first;
    private T[]? _items;
    private HashSet<T>? _set;

    public int Count { get; private set; }

    public ReadOnlySpan<T> Items => _items is null
        ? MemoryMarshal.CreateReadOnlySpan(ref _first, Count)
        : _items.AsSpan(0, Count);

    public void Add(T item)
    {
        if (Count == 0 && _items is null)
        {
            _first = item;
        }
        else
        {
            if (_items is null)
            {
                _items = new T[4];
                _items[0] = _first;
            }
            else if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count] = item;
        }

        Count++;
        if (_set is not null)
        {
            _set.Add(item);
        }
        else if (Count > HashThreshold)
        {
            _set = [.. Items];
        }
    }

    public bool Remove(T item)
    {
        var index = Items.IndexOf(item);
        if (index < 0)
        {
            return false;
        }

        // Order is irrelevant to readers, so the last item fills the hole.
        Count--;
        if (_items is null)
        {
            _first = default;
        }
        else
        {
            _items[index] = _items[Count];
            _items[Count] = default;
        }

        _set?.Remove(item);
        return true;
    }

    public bool Contains(T item) => _set?.Contains(item) ?? Items.IndexOf(item) >= 0;
}
