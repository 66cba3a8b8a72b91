using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Projects;

/// <summary>
/// The variables a reference gives a project, in Aspire's names: <c>ConnectionStrings__db</c> for a connection
/// string, <c>services__api__http__0</c> (one index per replica) and <c>API_HTTP</c> for another project's
/// endpoints. The same list serves the running application (values) and the manifest (expressions).
/// </summary>
internal static class ReferenceEnvironment
{
    public sealed record Variable(string Name, Func<string> Value, string? Expression);

    public static IEnumerable<Variable> For(Resource resource)
    {
        foreach (var reference in resource.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString source:
                    yield return new Variable($"ConnectionStrings__{source.Name}", source.GetConnectionString, $"{{{source.Name}.connectionString}}");
                    break;

                case ProjectResource project:
                    foreach (var endpoint in project.Endpoints)
                    {
                        for (var replica = 0; replica < project.Replicas; replica++)
                        {
                            var index = replica;
                            // Replicas are not in the manifest (as in Aspire): a deployment target scales on its own.
                            var expression = index == 0 ? $"{{{project.Name}.bindings.{endpoint.Name}.url}}" : null;
                            yield return new Variable($"services__{project.Name}__{endpoint.Name}__{index}", () => endpoint.GetUrl(index), expression);
                        }

                        yield return new Variable(
                            $"{EnvironmentName(project.Name)}_{EnvironmentName(endpoint.Name)}",
                            () => endpoint.GetUrl(),
                            $"{{{project.Name}.bindings.{endpoint.Name}.url}}");
                    }

                    break;

                default:
                    throw new InvalidOperationException($"'{resource.Name}' references '{reference.Name}', which has neither a connection string nor endpoints.");
            }
        }
    }

    private static string EnvironmentName(string name) => name.ToUpperInvariant().Replace('-', '_');
}
