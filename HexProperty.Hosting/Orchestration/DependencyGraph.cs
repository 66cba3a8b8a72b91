using HexProperty.Hosting.ApplicationModel;

namespace HexProperty.Hosting.Orchestration;

/// <summary>The order resources depend on each other: what they wait for, reference, or live inside.</summary>
internal static class DependencyGraph
{
    public static IEnumerable<IResource> DependenciesOf(Resource resource)
    {
        var dependencies = resource.WaitsFor.Concat(resource.References);
        return resource is IResourceWithParent child ? dependencies.Append(child.Parent).Distinct() : dependencies.Distinct();
    }

    /// <summary>Throws when a resource depends on itself through others, which would wait forever.</summary>
    public static void ThrowIfCyclic(IReadOnlyCollection<Resource> resources)
    {
        var visiting = new HashSet<IResource>();
        var done = new HashSet<IResource>();
        foreach (var resource in resources)
        {
            Visit(resource, []);
        }

        void Visit(Resource resource, List<string> path)
        {
            if (done.Contains(resource))
            {
                return;
            }

            path.Add(resource.Name);
            if (!visiting.Add(resource))
            {
                throw new DistributedApplicationException($"Resources depend on each other in a cycle: {string.Join(" -> ", path)}.");
            }

            foreach (var dependency in DependenciesOf(resource).OfType<Resource>())
            {
                Visit(dependency, path);
            }

            visiting.Remove(resource);
            done.Add(resource);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>
    /// Groups resources for stopping: dependents before what they depend on (the web before the api, the api
    /// before the database, the database before its server); each group stops in parallel.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Resource>> StopOrder(IReadOnlyCollection<Resource> resources)
    {
        var depth = new Dictionary<Resource, int>();
        int DepthOf(Resource resource)
        {
            if (!depth.TryGetValue(resource, out var value))
            {
                value = DependenciesOf(resource).OfType<Resource>().Select(d => DepthOf(d) + 1).DefaultIfEmpty(0).Max();
                depth[resource] = value;
            }

            return value;
        }

        return [.. resources.GroupBy(DepthOf).OrderByDescending(g => g.Key).Select(g => (IReadOnlyList<Resource>)[.. g])];
    }
}
