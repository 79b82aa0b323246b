namespace ChatDaemon.Logging.Syslog;

// Frames a syslog message for a stream transport (RFC 6587 §3.4).
internal static class SyslogFraming
{
    public static void Write(PooledByteBuffer destination, ReadOnlySpan<byte> message, FramingType framing)
    {
        if (framing == FramingType.OctetCounting)
        {
            // §3.4.1: MSG-LEN SP SYSLOG-MSG, MSG-LEN in octets; the message may contain anything.
            destination.WriteDecimal(message.Length);
            destination.Write((byte)' ');
            destination.Write(message);
            return;
        }

        // §3.4.2: LF ends the frame, so an LF inside the message is written as rsyslog's own
        // control-character escape, #012.
        while (!message.IsEmpty)
        {
            var newline = message.IndexOf((byte)'\n');
            if (newline < 0)
            {
                destination.Write(message);
                break;
            }

            destination.Write(message[..newline]);
            destination.Write("#012"u8);
            message = message[(newline + 1)..];
        }

        destination.Write((byte)'\n');
    }
}
