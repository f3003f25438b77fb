using BenchmarkDotNet.Running;

// Runs the engine's BenchmarkDotNet suites: ./run.sh bench [--filter *Conv*]
// (fit-cpu: the fit's CPU times, see FitCpuTime; conv-cpu [runs]: the dense 3×3 paths, see ConvCpuTime;
// split-cpu [runs]: where splitting across two threads pays, per kind of work, see SplitCpuTime). Markdown and JSON results: BenchmarkConfig.
if (args is ["fit-cpu"]) ConvStream.Benchmarks.FitCpuTime.Run();
else if (args is ["split-cpu", ..]) ConvStream.Benchmarks.SplitCpuTime.Run(args.Length > 1 ? int.Parse(args[1]) : 31);
else if (args is ["conv-cpu", ..]) ConvStream.Benchmarks.ConvCpuTime.Run(args.Length > 1 ? int.Parse(args[1]) : 9);
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ConvStream.Benchmarks.BenchmarkConfig.Create());
