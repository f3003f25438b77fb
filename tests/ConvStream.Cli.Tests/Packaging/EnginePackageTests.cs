using System.IO.Compression;
using System.Xml.Linq;

namespace ConvStream.Cli.Tests.Packaging;

/// <summary>
/// The engine as a NuGet library: the packed <c>ConvStream.Engine</c> carries its metadata, XML
/// docs and symbols, and a fresh console project outside the repository, restored from the pack
/// folder alone, runs a conv2d and an 8-bit Gaussian with it and prints the known answers.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class EnginePackageTests(PackedPackages packages)
{
    [Fact]
    public void The_package_has_its_metadata_docs_readme_and_symbols()
    {
        using var zip = ZipFile.OpenRead(packages.EnginePackage);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/ConvStream.Engine.dll", names);
        Assert.Contains("lib/net10.0/ConvStream.Engine.xml", names);
        Assert.Contains("README.md", names);

        using var nuspecStream = zip.GetEntry("ConvStream.Engine.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        string Field(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("ConvStream.Engine", Field("id"));
        Assert.Equal(packages.Version, Field("version"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("conv2d", Field("description"));
        var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        // No package dependencies: the engine is self-contained managed code.
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "dependency");

        // The docs are the compiler's for the public API.
        using var docs = new StreamReader(zip.GetEntry("lib/net10.0/ConvStream.Engine.xml")!.Open());
        string xml = docs.ReadToEnd();
        Assert.Contains("T:ConvStream.Engine.Simd.ExecutionSettings", xml);

        string symbols = Path.ChangeExtension(packages.EnginePackage, ".snupkg");
        Assert.True(File.Exists(symbols), $"{symbols} missing");
        using var snupkg = ZipFile.OpenRead(symbols);
        Assert.Contains(snupkg.Entries, e => e.FullName == "lib/net10.0/ConvStream.Engine.pdb");
    }

    [Fact]
    public void A_new_console_project_references_the_packed_engine_and_runs_conv2d_and_a_gaussian()
    {
        using var work = new TempFolder();
        // Empty Directory.Build.props/Directory.Packages.props stop MSBuild looking further up the tree.
        File.WriteAllText(work.File("Directory.Build.props"), "<Project />");
        File.WriteAllText(work.File("Directory.Packages.props"), "<Project />");
        File.Copy(packages.NugetConfig, work.File("nuget.config"));
        File.WriteAllText(work.File("consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <UseAppHost>false</UseAppHost>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ConvStream.Engine" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(work.File("Program.cs"), """
            using ConvStream.Engine.Filters.Ops;
            using ConvStream.Engine.Imaging;
            using ConvStream.Engine.Ops;
            using ConvStream.Engine.Tensors;

            // The seed's example: the 4x4 image 1..16 and the kernel [[1,1],[-1,-1]].
            var x = new Tensor(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 4, 4);
            var w = new Tensor([1f, 1f, -1f, -1f], 1, 1, 2, 2);
            var y = Conv2d.Forward(x, w, bias: null, new Conv2dOptions());
            Console.WriteLine($"conv2d {y.ShapeText}: {string.Join(' ', y.Span.ToArray())}");
            var z = Conv2d.Forward(x, w, null, new Conv2dOptions { Flip = true });
            Console.WriteLine($"convolution {z.ShapeText}: {string.Join(' ', z.Span.ToArray())}");

            // One BGR impulse (255, 128, 7) at (4, 4) of a 9x9 frame through a 5x5 Gaussian, sigma 0.
            var frame = new Frame(9, 9, 3);
            frame.Bytes.Clear();                                   // a new frame's pixels are not cleared
            byte[] impulse = [255, 128, 7];
            impulse.CopyTo(frame.Row<byte>(4)[12..15]);
            var blurred = new Frame(9, 9, 3);
            new GaussianFilter(5, sigma: 0).Apply([frame], blurred);
            for (int r = 2; r <= 6; r++)
                Console.WriteLine($"gaussian row {r}: {string.Join(' ', blurred.Row<byte>(r)[6..21].ToArray())}");
            Console.WriteLine($"engine {typeof(Tensor).Assembly.GetName().Version}");
            """);

        var build = DotnetProcess.Dotnet(work.Path, packages.NugetPackages, TimeSpan.FromMinutes(4), "build", "-c", "Release", "-nologo");
        Assert.True(build.ExitCode == 0, build.ToString());
        // It restored the engine from the pack folder into the fresh packages folder, nothing else.
        Assert.True(Directory.Exists(Path.Combine(packages.NugetPackages, "convstream.engine", packages.Version)));

        var run = DotnetProcess.Run(ConvstreamProcess.DotnetHost, work.Path, null, TimeSpan.FromMinutes(1),
            Path.Combine(work.Path, "bin", "Release", "net10.0", "consumer.dll"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Cross-correlation gives -8 everywhere, true convolution +8 (scipy.signal.convolve2d).
        Assert.Equal("conv2d (1,3,3): -8 -8 -8 -8 -8 -8 -8 -8 -8", lines[0]);
        Assert.Equal("convolution (1,3,3): 8 8 8 8 8 8 8 8 8", lines[1]);
        // cv2.GaussianBlur(a, (5, 5), 0)[2:7, 2:7] on the same impulse, Debian's python3-opencv 4.6:
        // per pixel B G R; the kernel is OpenCV's fixed table [1 4 6 4 1]/16 in both directions.
        Assert.Equal("gaussian row 2: 1 1 0 4 2 0 6 3 0 4 2 0 1 1 0", lines[2]);
        Assert.Equal("gaussian row 3: 4 2 0 16 8 0 24 12 1 16 8 0 4 2 0", lines[3]);
        Assert.Equal("gaussian row 4: 6 3 0 24 12 1 36 18 1 24 12 1 6 3 0", lines[4]);
        Assert.Equal("gaussian row 5: 4 2 0 16 8 0 24 12 1 16 8 0 4 2 0", lines[5]);
        Assert.Equal("gaussian row 6: 1 1 0 4 2 0 6 3 0 4 2 0 1 1 0", lines[6]);
        Assert.Equal($"engine {packages.Version}.0", lines[7]);
    }
}
