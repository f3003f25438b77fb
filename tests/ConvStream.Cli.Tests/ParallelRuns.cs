namespace ConvStream.Cli.Tests;

/// <summary>
/// Starts many runs of the real command at once and hands each test its own result. Starting
/// <c>dotnet</c> costs about 0.1 s of CPU but much more wall time on a busy machine, mostly
/// waiting; overlapping the runs keeps a theory of ~50 cases to a few seconds, while each case
/// still reports (and fails) as its own test.
/// </summary>
internal sealed class ParallelRuns<TKey> where TKey : notnull
{
    private const int MaxConcurrent = 8;
    private readonly Dictionary<TKey, Task<(TempFolder Work, CommandResult Result)>> _runs = new();

    /// <param name="prepare">Fills the case's fresh folder and returns the command line to run in it.</param>
    public ParallelRuns(IEnumerable<TKey> keys, Func<TKey, TempFolder, string[]> prepare)
    {
        var gate = new SemaphoreSlim(MaxConcurrent);
        foreach (var key in keys)
        {
            _runs[key] = Task.Run(async () =>
            {
                await gate.WaitAsync();
                try
                {
                    var work = new TempFolder();
                    try { return (work, ConvstreamProcess.Run(work.Path, prepare(key, work))); }
                    catch { work.Dispose(); throw; }
                }
                finally { gate.Release(); }
            });
        }
    }

    /// <summary>The case's finished run; the caller owns (and disposes) its folder.</summary>
    public (TempFolder Work, CommandResult Result) Get(TKey key) => _runs[key].GetAwaiter().GetResult();
}
