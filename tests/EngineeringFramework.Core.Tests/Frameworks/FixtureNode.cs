using System.Text;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>
/// One YAML mapping of a test framework. Values are raw YAML scalar text (so tests can write <c>first</c> into
/// an order) or lists of child mappings; key order is kept, so tests can also reorder keys.
/// </summary>
internal sealed class FixtureNode
{
    private readonly List<KeyValuePair<string, object>> _fields = [];

    public FixtureNode Set(string key, string rawYaml)
    {
        var index = _fields.FindIndex(f => f.Key == key);
        if (index >= 0)
        {
            _fields[index] = new(key, rawYaml);
        }
        else
        {
            _fields.Add(new(key, rawYaml));
        }

        return this;
    }

    public FixtureNode Remove(string key)
    {
        _fields.RemoveAll(f => f.Key == key);
        return this;
    }

    public List<FixtureNode> List(string key)
    {
        if (_fields.FirstOrDefault(f => f.Key == key).Value is List<FixtureNode> existing)
        {
            return existing;
        }

        var list = new List<FixtureNode>();
        _fields.Add(new(key, list));
        return list;
    }

    public FixtureNode ReverseKeys()
    {
        _fields.Reverse();
        foreach (var list in _fields.Select(f => f.Value).OfType<List<FixtureNode>>())
        {
            list.ForEach(child => child.ReverseKeys());
        }

        return this;
    }

    public void Render(StringBuilder yaml, int indent)
    {
        var first = true;
        foreach (var (key, value) in _fields)
        {
            yaml.Append(' ', first ? 0 : indent).Append(key).Append(':');
            first = false;
            if (value is List<FixtureNode> { Count: 0 })
            {
                yaml.Append(" []\n");
            }
            else if (value is List<FixtureNode> children)
            {
                yaml.Append('\n');
                foreach (var child in children)
                {
                    yaml.Append(' ', indent + 2).Append("- ");
                    child.Render(yaml, indent + 4);
                }
            }
            else
            {
                yaml.Append(' ').Append(value).Append('\n');
            }
        }

        if (first)
        {
            yaml.Append("{}\n");
        }
    }
}
