namespace HexProperty.Worker.Exports;

/// <summary>
/// Counts CSV records in text as it passes, chunk by chunk: a line break ends a record unless it is inside a
/// quoted field (PostgreSQL's CSV quotes any field holding a quote, a comma or a line break, and doubles inner quotes,
/// which toggles the state twice and so leaves it right).
/// </summary>
public sealed class CsvRowCounter
{
    private bool _quoted;

    public long Records { get; private set; }

    public long Count(ReadOnlySpan<char> chunk)
    {
        long records = 0;
        while (!chunk.IsEmpty)
        {
            var next = _quoted ? chunk.IndexOf('"') : chunk.IndexOfAny('"', '\n');
            if (next < 0)
            {
                break;
            }

            if (chunk[next] == '"')
            {
                _quoted = !_quoted;
            }
            else
            {
                records++;
            }

            chunk = chunk[(next + 1)..];
        }

        Records += records;
        return records;
    }
}
