namespace ChatDaemon.Tests.Logging;

// A property value whose rendering throws, as a buggy ToString in application code would.
internal sealed class ThrowingValue : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) => throw new InvalidOperationException("bad ToString");

    public override string ToString() => throw new InvalidOperationException("bad ToString");
}
