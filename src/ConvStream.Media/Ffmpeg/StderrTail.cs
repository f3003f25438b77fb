namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// The last lines a child process wrote to stderr. ffmpeg blocks when its stderr pipe fills up, so
/// stderr is drained continuously; only a small ring of lines is kept, for error messages.
/// </summary>
public sealed class StderrTail
{
    private readonly string[] _ring;
    private int _next;
    private int _count;
    private long _total;
    private long _chars;
    private long _errors;
    private string? _firstError;
    private long _damagedFrames;

    public StderrTail(int capacity = 20) => _ring = new string[capacity];

    public int Capacity => _ring.Length;

    /// <summary>Lines seen in total, including those that fell out of the ring.</summary>
    public long TotalLines { get { lock (_ring) return _total; } }

    /// <summary>Characters seen in total (the volume ffmpeg pushed through the pipe).</summary>
    public long TotalChars { get { lock (_ring) return _chars; } }

    public void Add(string line)
    {
        lock (_ring)
        {
            _ring[_next] = line;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
            _total++;
            _chars += line.Length + 1;
            // ffmpeg's own note for a frame its decoder concealed errors in (-xerror not given).
            if (line.Contains("corrupt decoded frame", StringComparison.Ordinal)) _damagedFrames++;
            if (IsError(line))
            {
                _errors++;
                _firstError ??= line.Trim();
            }
        }
    }

    /// <summary>
    /// Lines ffmpeg logged at error level or worse (it runs with <c>-loglevel level+…</c>, which
    /// prefixes each line with its level). ffmpeg can exit 0 after "Error writing trailer … No
    /// space left on device", so a clean exit status alone does not prove the file is whole.
    /// </summary>
    public long ErrorLines { get { lock (_ring) return _errors; } }

    /// <summary>Frames a decoder delivered with concealed damage ("corrupt decoded frame in stream 0").</summary>
    public long DamagedFrames { get { lock (_ring) return _damagedFrames; } }

    /// <summary>The first error-level line, kept even after it fell out of the ring.</summary>
    public string? FirstError { get { lock (_ring) return _firstError; } }

    private static bool IsError(string line)
        => line.Contains("[error] ", StringComparison.Ordinal) || line.Contains("[fatal] ", StringComparison.Ordinal)
        || line.Contains("[panic] ", StringComparison.Ordinal);

    /// <summary>The kept lines, oldest first.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_ring)
        {
            var lines = new string[_count];
            int start = (_next - _count + _ring.Length) % _ring.Length;
            for (int i = 0; i < _count; i++) lines[i] = _ring[(start + i) % _ring.Length];
            return lines;
        }
    }

    /// <summary>The last <paramref name="count"/> non-empty lines joined on one line, for a one-line error.</summary>
    public string Quote(int count = 3)
    {
        var lines = Lines().Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length == 0) return "(nothing on stderr)";
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - count)).Select(l => l.Trim()));
    }
}
