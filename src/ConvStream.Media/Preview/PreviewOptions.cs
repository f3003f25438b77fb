namespace ConvStream.Media.Preview;

/// <summary>Options of a preview window.</summary>
public sealed record PreviewOptions
{
    public string Title { get; init; } = "ConvStream";
    public string? FfmpegPath { get; init; }
    /// <summary>ffplay's -loglevel.</summary>
    public string LogLevel { get; init; } = "warning";
    /// <summary>The X display to open the window on (sets DISPLAY for ffplay); null: inherited.</summary>
    public string? Display { get; init; }
    /// <summary>Window position (ffplay -left/-top); null: the window manager decides.</summary>
    public (int Left, int Top)? Position { get; init; }
}
