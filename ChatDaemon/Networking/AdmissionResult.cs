namespace ChatDaemon.Networking;

public enum AdmissionResult
{
    Admitted,
    ServerFull,
    TooManyFromAddress,
}
