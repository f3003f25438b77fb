namespace ConvStream.Web.Frames;

/// <summary>One encoded picture of a node: immutable, shared by every client that sends it.</summary>
/// <param name="Sequence">Increases by one per picture the node's encoder publishes.</param>
/// <param name="FrameIndex">The source frame index it shows.</param>
/// <param name="Png">Only when a PNG snapshot asked for it.</param>
internal sealed record Picture(long Sequence, long FrameIndex, byte[] Jpeg, byte[]? Png);
