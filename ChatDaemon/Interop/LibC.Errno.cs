namespace ChatDaemon.Interop;

// errno(3) values every area shares (asm-generic/errno-base.h and errno.h; the same on x86-64 and arm64).
public static unsafe partial class LibC
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EWOULDBLOCK = EAGAIN;
    public const int EACCES = 13;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int ENOSYS = 38;
    public const int ENOTSOCK = 88;
    public const int EMSGSIZE = 90;
    public const int ENOBUFS = 105;
    public const int ENOTCONN = 107;
    public const int ECONNREFUSED = 111;
}
