namespace HexProperty.Hosting;

/// <summary>
/// The AppHost's command line: short switches for what a developer types, mapped to configuration keys,
/// and Aspire's <c>--publisher manifest --output-path</c>.
/// </summary>
internal static class AppHostArguments
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--clean"] = "AppHost:Clean",
        ["--show-logs"] = "AppHost:ShowResourceLogs",
    };

    public static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data-path"] = "AppHost:DataPath",
        ["--publisher"] = "Publishing:Publisher",
        ["--output-path"] = "Publishing:OutputPath",
    };

    /// <summary>Turns value-less flags into key=value pairs, which the configuration's command line reader needs.</summary>
    public static string[] Normalize(IEnumerable<string> args) =>
        [.. args.Select(a => Flags.TryGetValue(a, out var key) ? $"--{key}=true" : a)];
}
