using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// An interleaved image in memory, as OpenCV's Mat: height × width × channels (1 = gray, 3 = BGR),
/// samples of one <see cref="PixelDepth"/>, rows <see cref="Stride"/> bytes apart. Each row starts
/// on a 64-byte boundary so full-width vector loads never straddle cache lines needlessly. The
/// buffer is pinned and allocated once: touching fresh memory costs ~20 ms per 1080p frame here
/// (page faults), so frames are meant to be pooled and reused, never allocated per frame.
/// A frame can also be a view over memory it does not own (<see cref="Wrap"/>: an OpenCV Mat's
/// pixels, with the Mat's own row stride), so other libraries' images go through the engine uncopied.
/// A <see cref="Planar"/> frame holds (C,H,W) float32 planes instead, in a pinned float array that is
/// also its <see cref="Planes"/> tensor: what tensor stages pass to each other without converting.
/// Its rows are not pixel rows, so the row accessors refuse it.
/// </summary>
public sealed unsafe class Frame
{
    private const int Alignment = 64;
    // Keeps the memory alive: the pinned array this frame allocated, or the owner of wrapped memory.
    private readonly object? _owner;
    private readonly byte* _origin;
    private readonly Tensors.Tensor? _planes;   // a planar frame's payload, the same memory as _origin

    /// <summary>A new frame with interleaved channels (BGR for colour, as OpenCV), rows aligned for SIMD; its pixels are not cleared (write them, or clear <see cref="Bytes"/>, before reading).</summary>
    public Frame(int width, int height, int channels, PixelDepth depth = PixelDepth.U8)
    {
        CheckShape(width, height, channels);
        Width = width;
        Height = height;
        Channels = channels;
        Depth = depth;
        long rowBytes = (long)width * channels * depth.Size();
        long stride = (rowBytes + Alignment - 1) / Alignment * Alignment;
        long total = stride * height + Alignment;
        if (total > Array.MaxLength)
            throw new ConvStreamException($"frame {width}x{height}x{channels} {depth.Name()} needs {total} bytes, more than the limit of one buffer ({Array.MaxLength} bytes)");
        Stride = (int)stride;
        var buffer = GC.AllocateUninitializedArray<byte>((int)total, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        _owner = buffer;
        _origin = (byte*)(address + ((Alignment - (address & (Alignment - 1))) & (Alignment - 1)));
    }

    private static void CheckShape(int width, int height, int channels)
    {
        if (width <= 0 || height <= 0)
            throw new ConvStreamException($"frame size {width}x{height} must be positive");
        if (channels is < 1 or > 64)
            throw new ConvStreamException($"frame channel count {channels} must be between 1 and 64");
    }

    private Frame(byte* origin, int width, int height, int channels, PixelDepth depth, int stride, object? owner, Tensors.Tensor? planes = null)
    {
        _planes = planes;
        Width = width;
        Height = height;
        Channels = channels;
        Depth = depth;
        Stride = stride;
        _origin = origin;
        _owner = owner;
    }

    /// <summary>
    /// A frame over memory it does not own: <paramref name="data"/> is row 0, rows are
    /// <paramref name="stride"/> bytes apart (at least width × channels × sample size, a multiple of the
    /// sample size). The memory must stay valid and unmoved while the frame is used;
    /// <paramref name="owner"/> (e.g. the Mat that holds it) is kept reachable as long as the frame is.
    /// </summary>
    public static Frame Wrap(nint data, int width, int height, int channels, PixelDepth depth, int stride, object? owner = null)
    {
        CheckShape(width, height, channels);
        if (data == 0) throw new ConvStreamException("cannot wrap a null pointer as a frame");
        long rowBytes = (long)width * channels * depth.Size();
        if (stride < rowBytes || stride % depth.Size() != 0 || (long)stride * height > int.MaxValue)
            throw new ConvStreamException($"row stride {stride} does not fit {width}x{height}x{channels} {depth.Name()} rows of {rowBytes} bytes");
        return new Frame((byte*)data, width, height, channels, depth, stride, owner);
    }

    /// <summary>
    /// A new planar frame: <paramref name="channels"/> planes of <paramref name="height"/> rows of
    /// <paramref name="width"/> float32 samples, in one pinned array (samples not cleared), seen as
    /// the (C,H,W) tensor <see cref="Planes"/>.
    /// </summary>
    public static Frame Planar(int width, int height, int channels)
    {
        CheckShape(width, height, channels);
        long n = (long)width * height * channels;
        if (n > Array.MaxLength / sizeof(float))
            throw new ConvStreamException($"planar frame {width}x{height}x{channels} f32 needs {n * sizeof(float)} bytes, more than the limit of one buffer");
        var data = GC.AllocateUninitializedArray<float>((int)n, pinned: true);
        var origin = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data));
        return new Frame(origin, width, height, channels, PixelDepth.F32, width * sizeof(float), data, new Tensors.Tensor(data, channels, height, width));
    }

    /// <summary>True when this frame is a view over memory it does not own (<see cref="Wrap"/>).</summary>
    public bool IsView => _owner is not (byte[] or float[]);

    /// <summary>Interleaved (rows of pixels) or planar ((C,H,W) planes, f32).</summary>
    public FrameLayout Layout => _planes is null ? FrameLayout.Interleaved : FrameLayout.Planar;

    /// <summary>A planar frame's samples as the (C,H,W) tensor over them (no copy); an interleaved frame has none.</summary>
    public Tensors.Tensor Planes => _planes
        ?? throw new InvalidOperationException($"frame {ShapeText} is interleaved; convert it into a planar frame with FrameConvert.ToTensor");

    /// <summary>The address of row 0 (frames never move: their memory is pinned or native).</summary>
    public nint Address => (nint)_origin;

    /// <summary>Pixels per row.</summary>
    public int Width { get; }
    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Interleaved samples per pixel: 1 gray, 3 BGR.</summary>
    public int Channels { get; }
    /// <summary>The sample type: u8, s16 or f32.</summary>
    public PixelDepth Depth { get; }

    /// <summary>Bytes from the start of one row to the next (a multiple of 64; a planar frame's: one plane row, 4 × width).</summary>
    public int Stride { get; }

    /// <summary>Samples per row (width × channels), excluding the stride's padding.</summary>
    public int RowLength => Width * Channels;

    /// <summary>Bytes of real data per row.</summary>
    public int RowBytes => RowLength * Depth.Size();

    /// <summary>All rows including the stride padding.</summary>
    public Span<byte> Bytes => new(_origin, _planes is not null ? _planes.Length * sizeof(float) : IsView ? Stride * (Height - 1) + RowBytes : Stride * Height);

    /// <summary>Row <paramref name="y"/>'s bytes (<see cref="RowBytes"/> of them, without the stride's padding).</summary>
    public Span<byte> RowSpan(int y)
    {
        if ((uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(y));
        if (_planes is not null) throw new InvalidOperationException($"frame {ShapeText} has no pixel rows: read its Planes, or convert it with FrameConvert.FromTensor");
        return new(_origin + (long)y * Stride, RowBytes);
    }

    /// <summary>Row <paramref name="y"/> viewed as samples of type <typeparamref name="T"/> (byte, short or float to match <see cref="Depth"/>).</summary>
    public Span<T> Row<T>(int y) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != Depth.Size())
            throw new InvalidOperationException($"frame depth {Depth.Name()} cannot be read as {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(RowSpan(y));
    }

    /// <summary>A reference to the first byte of row 0, for hot loops that index by stride.</summary>
    public ref byte Origin => ref *_origin;

    /// <summary>Whether <paramref name="other"/> has the same width, height, channels, depth and layout.</summary>
    public bool SameShape(Frame other)
        => other.Width == Width && other.Height == Height && other.Channels == Channels && other.Depth == Depth && other.Layout == Layout;

    /// <summary>The shape as errors name it: <c>640x360x3 u8</c> (<c>… f32 planar</c> for a planar frame).</summary>
    public string ShapeText => $"{Width}x{Height}x{Channels} {Depth.Name()}{(_planes is null ? "" : " planar")}";

    /// <summary>Copies tightly packed rows (no stride padding) into this frame.</summary>
    public void CopyFromPacked(ReadOnlySpan<byte> packed)
    {
        int rb = RowBytes;
        if (packed.Length != rb * Height)
            throw new ConvStreamException($"packed data of {packed.Length} bytes does not fit frame {ShapeText} ({rb * Height} bytes)");
        for (int y = 0; y < Height; y++) packed.Slice(y * rb, rb).CopyTo(RowSpan(y));
    }

    /// <summary>Copies this frame's rows, tightly packed, into <paramref name="packed"/>.</summary>
    public void CopyToPacked(Span<byte> packed)
    {
        int rb = RowBytes;
        if (packed.Length < rb * Height)
            throw new ConvStreamException($"destination of {packed.Length} bytes is too small for frame {ShapeText}");
        for (int y = 0; y < Height; y++) RowSpan(y).CopyTo(packed.Slice(y * rb, rb));
    }

    /// <summary>The rows, tightly packed (no stride padding), in a new array.</summary>
    public byte[] ToPacked()
    {
        var a = new byte[RowBytes * Height];
        CopyToPacked(a);
        return a;
    }

    /// <summary>Copies every row into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Frame destination)
    {
        if (!destination.SameShape(this))
            throw new ConvStreamException($"cannot copy frame {ShapeText} into {destination.ShapeText}");
        if (_planes is not null) { _planes.Span.CopyTo(destination.Planes.Span); return; }
        for (int y = 0; y < Height; y++) RowSpan(y).CopyTo(destination.RowSpan(y));
    }

    /// <summary>A new frame with a copy of the pixels.</summary>
    public Frame Clone()
    {
        var f = _planes is null ? new Frame(Width, Height, Channels, Depth) : Planar(Width, Height, Channels);
        CopyTo(f);
        return f;
    }
}
