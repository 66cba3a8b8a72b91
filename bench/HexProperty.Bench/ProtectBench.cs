using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.Extensions.DependencyInjection;

namespace HexProperty.Bench;

/// <summary>
/// <c>protect [runs]</c>: what every page of the site pays to data-protect its component state (a 600-byte payload,
/// Blazor's purpose string), with keys made for the framework's default (AES-256-CBC with HMACSHA256) and for the
/// site's AES-256-GCM. Beside them, in the same run, the ceiling: AES-256-GCM alone (AesGcm with one key and a fresh
/// nonce, no key derivation and no envelope). One thread, 2 s a run after a warm-up; median and range.
/// </summary>
internal static class ProtectBench
{
    public static int Run(int runs)
    {
        var payload = RandomNumberGenerator.GetBytes(600);
        var rows = new List<(string Name, List<double> PerSecond)>
        {
            ("AesGcm alone, one key (the ceiling)", []),
            ("IDataProtector, AES-256-CBC + HMACSHA256 (default)", []),
            ("IDataProtector, AES-256-GCM (the site's)", []),
        };
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        var nonce = new byte[12];
        var sealedBytes = new byte[payload.Length];
        var tag = new byte[16];
        var cbc = Protector(null);
        var gcm = Protector(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM });
        var cases = new Action[]
        {
            () =>
            {
                RandomNumberGenerator.Fill(nonce);
                aes.Encrypt(nonce, payload, sealedBytes, tag);
            },
            () => cbc.Protect(payload),
            () => gcm.Protect(payload),
        };
        for (var run = 1; run <= runs; run++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                Console.Error.Write($"\rrun {run}/{runs}: {rows[i].Name}…".PadRight(80));
                rows[i].PerSecond.Add(PerSecond(cases[i]));
            }
        }

        Console.Error.WriteLine();
        var ceiling = Bench.Median(rows[0].PerSecond);
        Console.WriteLine("| protecting a 600-byte component state | per second, median (range) | share of the ceiling |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, perSecond) in rows)
        {
            Console.WriteLine(Bench.Format($"| {name} | {Bench.Median(perSecond):N0} ({perSecond.Min():N0}-{perSecond.Max():N0}) | {Bench.Median(perSecond) / ceiling:P0} |"));
        }

        return 0;
    }

    private static IDataProtector Protector(AuthenticatedEncryptorConfiguration? algorithms)
    {
        var keys = Directory.CreateTempSubdirectory("hex-protect-bench");
        var services = new ServiceCollection();
        var builder = services.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("hexproperty-web");
        if (algorithms is not null)
        {
            builder.UseCryptographicAlgorithms(algorithms);
        }

        var protector = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("Microsoft.AspNetCore.Components.Server.State");
        protector.Protect([1]); // makes the key
        return protector;
    }

    private static double PerSecond(Action protect)
    {
        for (var i = 0; i < 20_000; i++)
        {
            protect();
        }

        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.ElapsedMilliseconds < 2000)
        {
            protect();
            count++;
        }

        return count / clock.Elapsed.TotalSeconds;
    }
}
