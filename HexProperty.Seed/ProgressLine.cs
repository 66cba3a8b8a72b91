using System.Diagnostics;
using System.Globalization;

namespace HexProperty.Seed;

/// <summary>
/// A progress line for a long step: rewritten in place on a terminal (ten times a second at most), or a line at
/// every tenth when the output goes to a file or a CI log.
/// </summary>
public sealed class ProgressLine(string step, long total, TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _inPlace = !Console.IsOutputRedirected && output == Console.Out;
    private long _lastDrawn = -1;
    private int _lastTenth = -1;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(long done)
    {
        var tenth = total == 0 ? 10 : (int)(done * 10 / total);
        if (_inPlace)
        {
            var now = _clock.ElapsedMilliseconds;
            if (now - _lastDrawn < 100 && done < total)
            {
                return;
            }

            _lastDrawn = now;
            output.Write($"\r{Line(done)}   ");
        }
        else if (tenth != _lastTenth)
        {
            _lastTenth = tenth;
            output.WriteLine(Line(done));
        }
    }

    public void Done()
    {
        Report(total);
        if (_inPlace)
        {
            output.WriteLine();
        }
    }

    private string Line(long done) => string.Create(CultureInfo.InvariantCulture,
        $"  {step,-14} {done,12:N0} / {total:N0}  {(total == 0 ? 100 : done * 100 / total),3}%  {_clock.Elapsed.TotalSeconds,6:0.0} s");
}
