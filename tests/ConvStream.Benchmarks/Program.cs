using BenchmarkDotNet.Running;

// Runs the engine's BenchmarkDotNet suites: ./run.sh bench [--filter *Conv*]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
