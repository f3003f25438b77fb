using ConvStream.Cli.Commands;
using ConvStream.Engine;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Cli.Tests;

/// <summary>
/// conv2d-backward's all-or-nothing write, in process: the failures the command's up-front
/// checks normally prevent (a folder vanishing, a target turning into a folder) must still leave
/// neither a gradient file nor a temporary file.
/// </summary>
public sealed class OpWriteAllTests
{
    private static readonly Tensor A = new([1f, 2f, 3f], 3), B = new([4f, 5f], 2);

    [Fact]
    public void Writes_every_file_when_all_succeed()
    {
        using var work = new TempFolder();
        OpOptions.WriteAll([(work.File("a.npy"), A), (work.File("b.npy"), B)]);
        Assert.Equal(["a.npy", "b.npy"], work.Files());
        Assert.Equal([1f, 2f, 3f], Npy.Read(work.File("a.npy")).As<float>().ToArray());
        Assert.Equal([4f, 5f], Npy.Read(work.File("b.npy")).As<float>().ToArray());
    }

    [Fact]
    public void A_missing_folder_for_the_last_file_writes_none()
    {
        using var work = new TempFolder();
        var e = Assert.Throws<ConvStreamException>(() =>
            OpOptions.WriteAll([(work.File("a.npy"), A), (work.File("b.npy"), B), (work.File("gone/c.npy"), A)]));
        Assert.Contains("does not exist", e.Message);
        Assert.Empty(work.Files());
    }

    [Fact]
    public void A_target_that_is_a_folder_writes_none()
    {
        using var work = new TempFolder();
        Directory.CreateDirectory(work.File("c.npy"));
        var e = Assert.Throws<ConvStreamException>(() =>
            OpOptions.WriteAll([(work.File("a.npy"), A), (work.File("b.npy"), B), (work.File("c.npy"), A)]));
        Assert.Contains("c.npy: is a folder", e.Message);
        Assert.Equal(["c.npy"], work.Files());
        Assert.Empty(Directory.GetFileSystemEntries(work.File("c.npy")));
    }
}
