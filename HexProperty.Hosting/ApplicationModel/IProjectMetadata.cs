namespace HexProperty.Hosting;

/// <summary>
/// Describes a project the AppHost references. The build generates one class per referenced project in the
/// <c>Projects</c> namespace (for example <c>Projects.HexProperty_Api</c>), as Aspire's AppHost SDK does.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the project file.</summary>
    string ProjectPath { get; }

    /// <summary>Full path of the project's built assembly, which the AppHost starts.</summary>
    string AssemblyPath { get; }
}
