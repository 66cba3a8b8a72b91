namespace HexProperty.Hosting.ApplicationModel;

/// <summary>
/// A value the application needs but never commits, such as a server password. Generated on first start and
/// kept in the data folder's <c>secrets.json</c>, so a persisted server keeps working across runs.
/// </summary>
public sealed class ParameterResource(string name, bool secret = true, int minLength = 22) : Resource(name)
{
    private string? _value;

    public override string DisplayType => "Parameter";

    public bool Secret { get; } = secret;

    public int MinLength { get; } = minLength;

    public string Value => _value ?? throw new InvalidOperationException($"Parameter '{Name}' has no value yet; start the application first.");

    internal void SetValue(string value) => _value = value;
}
