using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests.OpenCv;

/// <summary>
/// The README's OpenCvSharp example (between the mat-example markers), compiled with Roslyn as it
/// is written and run as its own process against ConvStream's assemblies, headless under Xvfb: it
/// captures media/sample.mp4, runs the pipeline and shows the results with ImShow.
/// </summary>
public sealed partial class ReadmeExampleTests(ITestOutputHelper output)
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && Directory.Exists(Path.Combine(dir.FullName, "media"))) return dir.FullName;
        throw new DirectoryNotFoundException("README.md not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task MatExampleCompilesAndRuns()
    {
        string root = RepoRoot();
        var block = Example().Match(File.ReadAllText(Path.Combine(root, "README.md")));
        Assert.True(block.Success, "README.md has no <!-- mat-example --> C# block");

        // Every assembly the tests run with: the framework, ConvStream's and OpenCvSharp.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .DistinctBy(Path.GetFileName)
            .Where(p => { try { System.Reflection.AssemblyName.GetAssemblyName(p); return true; } catch (BadImageFormatException) { return false; } })
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("ReadmeMatExample",
            [
                CSharpSyntaxTree.ParseText(block.Groups[1].Value, new CSharpParseOptions(LanguageVersion.Latest)),
                // What a `dotnet new console` project's ImplicitUsings adds.
                CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Latest)),
            ],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        string dll = Path.Combine(AppContext.BaseDirectory, $"readme-example-{Guid.NewGuid():N}.dll");
        using var x = XvfbDisplay.Start(1400, 900);
        try
        {
            var emitted = compilation.Emit(dll);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            if (x is null) { output.WriteLine("SKIPPED running it: no DISPLAY and no Xvfb (apt-get install xvfb); it compiled"); return; }
            // The test's own deps and runtime config: the example resolves ConvStream and OpenCvSharp (and its .so) as the tests do.
            string baseName = Path.Combine(AppContext.BaseDirectory, typeof(ReadmeExampleTests).Assembly.GetName().Name!);
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "exec", "--runtimeconfig", baseName + ".runtimeconfig.json", "--depsfile", baseName + ".deps.json", dll }) psi.ArgumentList.Add(a);
            psi.Environment["DISPLAY"] = x.Display;
            using var p = Process.Start(psi)!;
            var stderrTask = p.StandardError.ReadToEndAsync();
            string stdout = await p.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await p.WaitForExitAsync(timeout.Token);
            string stderr = await stderrTask;
            output.WriteLine(stdout + stderr);
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr}");
            Assert.Matches(new Regex(@"^120 frames in, 120 through the pipeline, \d+ frames/s\s*$"), stdout);
        }
        finally
        {
            File.Delete(dll);
        }
    }

    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"<!-- mat-example -->\s*```csharp\n(.*?)```\s*<!-- /mat-example -->", RegexOptions.Singleline)]
    private static partial Regex Example();
}
