namespace ConvStream.Web.Tests;

/// <summary>demo.json running live, shared by the read-only endpoint tests of a class.</summary>
public sealed class LiveDemo : IAsyncLifetime
{
    internal TestPipeline Pipeline { get; private set; } = null!;

    public async Task InitializeAsync() => Pipeline = await TestPipeline.StartAsync();

    public async Task DisposeAsync() => await Pipeline.DisposeAsync();
}
