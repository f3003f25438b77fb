namespace ConvStream.Engine;

/// <summary>
/// An error a user caused (bad shape, bad option, bad file). Its message is one line that names
/// the tensor, option, file or stage at fault and what was expected; front ends print it as is,
/// without a stack trace.
/// </summary>
public class ConvStreamException : Exception
{
    public ConvStreamException(string message) : base(message) { }
    public ConvStreamException(string message, Exception inner) : base(message, inner) { }
}
