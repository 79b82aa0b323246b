namespace ChatDaemon.Control;

/// <summary>
/// Optional: a one-line summary of the service (e.g. "42 clients in 3 rooms, 1234 messages") that the
/// control socket's <c>status</c> command appends to its answer. Register one in DI to enable it.
/// </summary>
public interface IControlStatusSource
{
    string Describe();
}
