namespace EngineeringFramework.Authz.Storage;

/// <summary>Interns strings to dense ints so the indexes hold 4-byte ids instead of string references.</summary>
internal sealed class NamePool
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _names = [string.Empty];

    public int GetOrAdd(string name)
    {
        if (_ids.TryGetValue(name, out var id))
        {
            return id;
        }

        id = _names.Count;
        _names.Add(name);
        _ids.Add(name, id);
        return id;
    }

    /// <summary>0 when unknown: nothing stored can refer to it.</summary>
    public int Find(string name) => _ids.TryGetValue(name, out var id) ? id : 0;

    public string this[int id] => _names[id];
}
