using System.Globalization;
using Npgsql;

namespace HexProperty.Bench;

/// <summary>
/// <c>export [bookings]</c> or <c>outbox [events]</c> against the running system: HEXDB and MESSAGING are its
/// connection strings and WORKER_PID its Worker (bench/worker.sh finds them). Prints a progress line while it
/// runs, then a Markdown table row for bench/README.md. <c>load mix-file rate seconds</c> is the open-loop load of
/// bench/scale-out.sh (<see cref="LoadBench"/>); <c>photos [count] [runs]</c> the photo pipeline (<see cref="PhotoBench"/>);
/// <c>protect [runs]</c> the data protection every page pays for (<see cref="ProtectBench"/>).
/// </summary>
internal static class Bench
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "load")
        {
            using var interrupted = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                interrupted.Cancel();
            };
            return await LoadBench.RunAsync(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), interrupted.Token);
        }

        if (args.Length >= 1 && args[0] == "photos")
        {
            return PhotoBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
        }

        if (args.Length >= 1 && args[0] == "protect")
        {
            return ProtectBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
        }

        if (args.Length == 0 || args[0] is not ("export" or "outbox"))
        {
            Console.Error.WriteLine("usage: HexProperty.Bench export [bookings] | outbox [events]   (with HEXDB, MESSAGING and WORKER_PID set)");
            Console.Error.WriteLine("       HexProperty.Bench load mix-file rate seconds   (STAFF_TOKEN for staff lines)");
            Console.Error.WriteLine("       HexProperty.Bench photos [count] [runs]   (the photo pipeline, offline)");
            Console.Error.WriteLine("       HexProperty.Bench protect [runs]   (data protection of a page's component state, offline)");
            return 2;
        }

        var size = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : args[0] == "export" ? 1_000_000 : 20_000;
        var hexdb = Required("HEXDB");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(hexdb) { CommandTimeout = 0 }.ConnectionString);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        return args[0] == "export"
            ? await ExportBench.RunAsync(dataSource, size, int.Parse(Required("WORKER_PID"), CultureInfo.InvariantCulture), stop.Token)
            : await OutboxBench.RunAsync(dataSource, Required("MESSAGING"), size, stop.Token);
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: run bench/worker.sh, which finds the running system.");

    /// <summary>A process's resident memory now, in MB (VmRSS of /proc/PID/status).</summary>
    public static double ResidentMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The middle of the runs (the upper middle of an even count).</summary>
    public static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
}
