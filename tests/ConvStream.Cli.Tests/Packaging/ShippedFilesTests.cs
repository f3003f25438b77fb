namespace ConvStream.Cli.Tests.Packaging;

/// <summary>The path rule of the installed tool: the working directory first, then the tool's own <c>filters/</c>.</summary>
public sealed class ShippedFilesTests : IDisposable
{
    private readonly TempFolder _work = new(), _tool = new();

    public ShippedFilesTests()
    {
        Directory.CreateDirectory(_tool.File("filters/kernels"));
        File.WriteAllText(_tool.File("filters/kernels/k.json"), "{}");
        File.WriteAllText(_tool.File("filters/kernels/only-shipped.json"), "{}");
        Directory.CreateDirectory(_work.File("filters/kernels"));
        File.WriteAllText(_work.File("filters/kernels/k.json"), "{}");
        File.WriteAllText(_tool.File("elsewhere.json"), "{}");
    }

    private string Resolve(string path) => ShippedFiles.Resolve(path, _work.Path, _tool.Path);

    [Fact]
    public void The_working_directory_wins() => Assert.Equal("filters/kernels/k.json", Resolve("filters/kernels/k.json"));

    [Theory]
    [InlineData("filters/kernels/only-shipped.json")]
    [InlineData("./filters/kernels/only-shipped.json")]
    public void A_filters_path_missing_here_is_the_shipped_file(string path)
        => Assert.Equal(Path.GetFullPath(Path.Combine(_tool.Path, path)), Resolve(path));

    [Theory]
    [InlineData("filters/kernels/nowhere.json")]   // in neither: the user's spelling, so the error names it
    [InlineData("elsewhere.json")]                 // not under filters/: never redirected
    [InlineData("kernels/only-shipped.json")]
    public void Other_paths_are_left_as_given(string path) => Assert.Equal(path, Resolve(path));

    [Fact]
    public void A_rooted_path_is_left_as_given()
    {
        string rooted = Path.Combine(_work.Path, "filters", "kernels", "only-shipped.json");
        Assert.Equal(rooted, Resolve(rooted));
    }

    public void Dispose()
    {
        _work.Dispose();
        _tool.Dispose();
    }
}
