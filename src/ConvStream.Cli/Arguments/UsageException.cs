namespace ConvStream.Cli;

/// <summary>A command line that does not parse: unknown option, missing value, missing argument.</summary>
public sealed class UsageException(string message) : Exception(message);
