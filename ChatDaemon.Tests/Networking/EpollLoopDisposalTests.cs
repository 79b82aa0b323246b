using ChatDaemon.Interop;
using ChatDaemon.Networking.Epoll;

namespace ChatDaemon.Tests.Networking;

/// <summary>
/// An event loop closes its descriptors once, however often it is disposed: the service container disposes the
/// transport once per service it was resolved as, and a second close(2) would hit whatever another thread of the
/// process had opened under the freed number by then (a test's child process pipe, in the suite).
/// </summary>
public sealed class EpollLoopDisposalTests
{
    [Fact]
    public void A_second_dispose_leaves_alone_the_descriptors_now_under_the_numbers_the_loop_freed()
    {
        // The numbers the first dispose freed go to the next open of any thread (open(2): the lowest free number);
        // the tests running alongside open files too, so take them until this test holds both.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var loop = new EpollLoop(0, _ => { });
            var (epoll, wake) = loop.Descriptors;
            loop.Dispose();
            var taken = new List<int>();
            try
            {
                while (taken.Count < 256 && !(taken.Contains(epoll) && taken.Contains(wake)))
                {
                    int fd = LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
                    Assert.True(fd >= 0, $"open(/dev/null) failed: errno {LibC.errno}");
                    taken.Add(fd);
                }

                if (!(taken.Contains(epoll) && taken.Contains(wake)))
                {
                    continue; // another thread took one of them first
                }

                loop.Dispose();

                Assert.All(taken, fd => Assert.True(LibC.fcntl(fd, LibC.F_GETFD, 0) >= 0, $"descriptor {fd} was closed under its owner"));
                return;
            }
            finally
            {
                foreach (int fd in taken)
                {
                    LibC.close(fd);
                }
            }
        }

        Assert.Fail("the numbers a disposed loop freed went to other threads 20 times in a row");
    }
}
