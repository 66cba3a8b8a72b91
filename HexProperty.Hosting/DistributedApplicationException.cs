namespace HexProperty.Hosting;

/// <summary>
/// The application cannot start for a reason the developer can fix (a missing Debian package, a locked data
/// folder, a port in use). The AppHost prints the message alone, without a stack trace, and exits with code 1.
/// </summary>
public sealed class DistributedApplicationException(string message) : Exception(message);
