using BenchmarkDotNet.Running;

// Runs the engine's BenchmarkDotNet suites: ./run.sh bench [--filter *Conv*]
// (fit-cpu: the fit's CPU times, see FitCpuTime). Markdown and JSON results: BenchmarkConfig.
if (args is ["fit-cpu"]) ConvStream.Benchmarks.FitCpuTime.Run();
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ConvStream.Benchmarks.BenchmarkConfig.Create());
