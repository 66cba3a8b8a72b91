namespace HexProperty.Hosting.ApplicationModel;

/// <summary>A named part of the distributed application: a server, a database on a server, or a project.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource other projects connect to with a connection string (<c>ConnectionStrings__name</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string of the running resource; valid once ports and credentials are allocated.</summary>
    string GetConnectionString();

    /// <summary>The same connection string as a manifest expression (<c>{postgres.bindings.tcp.port}</c>...).</summary>
    string ConnectionStringExpression { get; }
}

/// <summary>A resource that listens on one or more endpoints.</summary>
public interface IResourceWithEndpoints : IResource
{
    IReadOnlyList<EndpointAnnotation> Endpoints { get; }
}

/// <summary>A resource that lives inside another one (a database on its server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}
