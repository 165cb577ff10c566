/// The system call that failed, as named in a ``SystemError``.
///
/// Each case names the C function it stands for (`.accept` is `accept4`,
/// `.epollWait` is `epoll_wait`).
public enum SystemCall: String, Sendable, Hashable {
    case socket, socketpair, bind, listen, accept, connect, send, recv, read, write, writev
    case shutdown, close, dup, pipe, fcntl, ioctl, setsockopt, getsockopt, getsockname, getpeername
    case epollCreate = "epoll_create1", epollCtl = "epoll_ctl", epollWait = "epoll_wait"
    case poll, eventfd, sigaction, setrlimit, getrlimit, open, fsync, rename, mkdir, unlink
    case pthreadCreate = "pthread_create"
}
