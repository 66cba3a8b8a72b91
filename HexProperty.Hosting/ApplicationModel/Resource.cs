using System.Text.RegularExpressions;

namespace HexProperty.Hosting.ApplicationModel;

/// <summary>Base of every resource: its name and the relations the AppHost declares between resources.</summary>
public abstract partial class Resource : IResource
{
    protected Resource(string name)
    {
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use 1-64 lower-case letters, digits and '-', starting with a letter.",
                nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    /// <summary>What the resource is, as shown in the console table ("PostgreSQL", "Project").</summary>
    public abstract string DisplayType { get; }

    /// <summary>Resources that must be healthy before this one starts.</summary>
    internal List<IResource> WaitsFor { get; } = [];

    /// <summary>Resources whose connection string or endpoints this one receives.</summary>
    internal List<IResource> References { get; } = [];

    internal List<Action<EnvironmentContext>> EnvironmentCallbacks { get; } = [];

    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex ValidName();
}
