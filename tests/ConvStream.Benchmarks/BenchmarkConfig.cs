using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;

namespace ConvStream.Benchmarks;

/// <summary>
/// What every suite writes besides the console table: BenchmarkDotNet's defaults (GitHub Markdown,
/// the table the README links to; CSV; HTML) and brief JSON (every statistic and the machine, for
/// scripts that compare runs), under <c>BenchmarkDotNet.Artifacts/results/</c>. Results worth keeping are copied to
/// <c>tests/ConvStream.Benchmarks/results/</c> with the machine they ran on.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance.AddExporter(JsonExporter.Brief);
}
