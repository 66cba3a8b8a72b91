using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HexProperty.Hosting.RabbitMQ;

/// <summary>
/// Writes a node's configuration before each start: the settings, the Prometheus plugin when the monitoring asked for it
/// (<see cref="LocalRabbitMQResource.MetricsPort"/>; with a value per queue, for the queue depth alerts), and definitions that the node imports at
/// every boot, holding the user with the password parameter's current value (hashed as RabbitMQ hashes it), so a
/// changed parameter reaches an existing node too.
/// </summary>
internal static class RabbitMQNode
{
    public static string ConfigFile(LocalRabbitMQResource node) => Path.Combine(node.DataDirectory, "rabbitmq.conf");

    public static string PluginsFile(LocalRabbitMQResource node) => Path.Combine(node.DataDirectory, "enabled_plugins");

    public static async Task PrepareAsync(LocalRabbitMQResource node, CancellationToken cancellationToken)
    {
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(node.DataDirectory, folder));
        }

        var definitions = Path.Combine(node.DataDirectory, "definitions.json");
        var password = await node.PasswordParameter.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("No RabbitMQ password.");
        await PrivateFile.WriteAsync(definitions, JsonSerializer.Serialize(new
        {
            users = new[] { new { name = LocalRabbitMQResource.UserName, password_hash = HashPassword(password), hashing_algorithm = "rabbit_password_hashing_sha256", tags = new[] { "administrator" } } },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user = LocalRabbitMQResource.UserName, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        }), cancellationToken);
        await PrivateFile.WriteAsync(ConfigFile(node), string.Join('\n',
        [
            "# Written by the HexProperty AppHost at every start; the ports come as environment variables.",
            "definitions.import_backend = local_filesystem",
            $"definitions.local.path = {definitions}",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
            .. node.MetricsPort is { } port
                ? new[] { "prometheus.tcp.ip = 127.0.0.1", $"prometheus.tcp.port = {port}", "prometheus.return_per_object_metrics = true" }
                : [],
            "",
        ]), cancellationToken);
        await File.WriteAllTextAsync(PluginsFile(node), node.MetricsPort is null ? "[].\n" : "[rabbitmq_prometheus].\n", cancellationToken);
    }

    /// <summary>rabbit_password_hashing_sha256: base64(salt ‖ SHA-256(salt ‖ UTF-8 password)) with a 4-byte random salt.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return Convert.ToBase64String([.. salt, .. hash]);
    }

}
