namespace ConvStream.Cli;

/// <summary>A command line that does not parse: unknown option, missing value, missing argument.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
    /// <summary>A value the engine refused as written (a bad size, a bad border): the usage error keeps it as its cause.</summary>
    public UsageException(string message, Exception inner) : base(message, inner) { }
}
