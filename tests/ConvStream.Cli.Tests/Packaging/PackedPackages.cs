using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests.Packaging;

/// <summary>
/// The repository's packages, made once for the packaging tests: <c>dotnet pack --no-build</c> of
/// the convstream tool and the Engine, Stages and Pipeline libraries (the test run has just built
/// them in this configuration, and nothing is rebuilt under the other tests' feet) into a temporary
/// folder, then <c>dotnet tool install --tool-path</c> from that folder alone (a nuget.config that
/// clears every other source: offline, and never a stale copy from a feed). NuGet's packages folder
/// is a fresh temporary one too, so a package of the same version packed earlier is never reused.
/// </summary>
public sealed partial class PackedPackages : IDisposable
{
    /// <summary>The configuration these tests were built in, and so the one whose outputs are packed.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(4);

    public PackedPackages()
    {
        Root = Path.Combine(Path.GetTempPath(), "convstream-packaging-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(PackageFolder);
        Directory.CreateDirectory(NugetPackages);
        File.WriteAllText(NugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="convstream-packed" value="{PackageFolder}" />
              </packageSources>
            </configuration>
            """);
        foreach (string project in new[] { "ConvStream.Cli", "ConvStream.Engine", "ConvStream.Stages", "ConvStream.Pipeline" })
        {
            var pack = DotnetProcess.Dotnet(PipelineMedia.RepoRoot, NugetPackages, PackLimit,
                "pack", Path.Combine("src", project), "-c", Configuration, "--no-build", "-nologo", "-o", PackageFolder);
            if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack src/{project} failed: {pack}");
        }
        Version = VersionOf(ToolPackage);
        var install = DotnetProcess.Dotnet(Root, NugetPackages, PackLimit,
            "tool", "install", "--tool-path", ToolPath, "convstream", "--version", Version, "--configfile", NugetConfig);
        if (install.ExitCode != 0) throw new InvalidOperationException($"dotnet tool install convstream failed: {install}");
    }

    /// <summary>Everything these tests make, outside the repository.</summary>
    public string Root { get; }
    public string PackageFolder => Path.Combine(Root, "packages");
    public string NugetPackages => Path.Combine(Root, "nuget");
    public string NugetConfig => Path.Combine(Root, "nuget.config");
    public string ToolPath => Path.Combine(Root, "tools");
    public string Tool => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "convstream.exe" : "convstream");

    /// <summary>The version the packages carry (Directory.Build.props), read off the tool package's file name.</summary>
    public string Version { get; }

    public string ToolPackage => Package("convstream");
    public string EnginePackage => Package("ConvStream.Engine");

    /// <summary>The one <c>ID.VERSION.nupkg</c> of a package id in the pack folder.</summary>
    public string Package(string id)
        => Assert.Single(Directory.GetFiles(PackageFolder, "*.nupkg"), f => VersionOf(f, id) is not null);

    private static string VersionOf(string nupkg) => VersionOf(nupkg, "convstream") ?? throw new InvalidOperationException($"{nupkg} is not convstream.VERSION.nupkg");

    private static string? VersionOf(string nupkg, string id)
    {
        string name = Path.GetFileName(nupkg);
        if (!name.StartsWith(id + ".", StringComparison.OrdinalIgnoreCase)) return null;
        var m = PackageVersion().Match(name[(id.Length + 1)..]);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageVersion();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packaging";
}
