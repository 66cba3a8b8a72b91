using System.Security.Cryptography;
using System.Text.Json;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Generated credentials (server passwords), kept beside the data they protect and readable only by the owner.
/// A value is generated once and reused, because a persisted server keeps the password it was initialised with.
/// </summary>
internal sealed class SecretStore(string path)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly Lock _gate = new();

    public string GetOrCreate(string name, int minLength)
    {
        lock (_gate)
        {
            var secrets = Load();
            if (secrets.TryGetValue(name, out var existing) && existing.Length >= minLength)
            {
                return existing;
            }

            // Letters and digits only: the value goes unescaped into connection strings, URIs and config files.
            var value = RandomNumberGenerator.GetString(Alphabet, minLength);
            secrets[name] = value;
            File.WriteAllText(path, JsonSerializer.Serialize(secrets, new JsonSerializerOptions { WriteIndented = true }));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return value;
        }
    }

    private Dictionary<string, string> Load() =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
}
