namespace ConvStream.Engine.Imaging;

/// <summary>
/// How a frame's samples lie in memory. <see cref="Interleaved"/> is OpenCV's Mat and every codec's:
/// H×W×C, a pixel's channels side by side. <see cref="Planar"/> is PyTorch's (C,H,W) float32: one
/// plane per channel, the layout tensor ops compute in; its payload is a <see cref="Tensors.Tensor"/>
/// (<see cref="Frame.Planes"/>), so a tensor stage reads and writes it without converting.
/// </summary>
public enum FrameLayout { Interleaved, Planar }
