using System.Runtime.InteropServices;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Real key presses on an X display through the XTEST extension (libXtst, as xdotool does): the
/// pointer is moved over the window (Xvfb has no window manager, so focus follows the pointer), then
/// the key goes down and up.
/// </summary>
internal sealed partial class XTestKeyboard : IDisposable
{
    private readonly nint _display;

    public XTestKeyboard(string display)
    {
        _display = XOpenDisplay(display);
        if (_display == 0) throw new InvalidOperationException($"cannot open X display {display}");
    }

    public void Press(char key, int x = 30, int y = 30)
    {
        XTestFakeMotionEvent(_display, -1, x, y, 0);
        // Latin-1 keysyms equal their character codes; Escape is 0xff1b.
        uint keysym = key == '\u001b' ? 0xff1bu : key;
        byte code = XKeysymToKeycode(_display, keysym);
        XTestFakeKeyEvent(_display, code, 1, 0);
        XTestFakeKeyEvent(_display, code, 0, 0);
        XFlush(_display);
    }

    public void Dispose() => XCloseDisplay(_display);

    [LibraryImport("libX11.so.6", StringMarshalling = StringMarshalling.Utf8)] private static partial nint XOpenDisplay(string name);
    [LibraryImport("libX11.so.6")] private static partial int XCloseDisplay(nint display);
    [LibraryImport("libX11.so.6")] private static partial int XFlush(nint display);
    [LibraryImport("libX11.so.6")] private static partial byte XKeysymToKeycode(nint display, nuint keysym);
    [LibraryImport("libXtst.so.6")] private static partial int XTestFakeKeyEvent(nint display, uint keycode, int isPress, nuint delay);
    [LibraryImport("libXtst.so.6")] private static partial int XTestFakeMotionEvent(nint display, int screen, int x, int y, nuint delay);
}
