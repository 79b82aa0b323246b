namespace ChatDaemon.Configuration;

/// <summary>Told when a reload starts and how it ended (the service manager integration reports both).</summary>
public interface IReloadObserver
{
    void OnReloading();

    void OnReloaded(ReloadOutcome outcome);
}
