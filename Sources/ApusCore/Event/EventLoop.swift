// The event loop's epoll backend (Redis's ae.c + ae_epoll.c). Registrations carry a
// 64-bit token: the owner packs a kind, a generation and the fd into it so that an event
// for a descriptor that was closed and reused within the same poll batch is recognised
// and dropped. Timers are driven by the server through the poll timeout.

import Glibc
import CApusSys

public struct EventMask: OptionSet {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let readable = EventMask(rawValue: apus_EPOLLIN)
    public static let writable = EventMask(rawValue: apus_EPOLLOUT)
}

public final class EventLoop {
    let epfd: Int32
    let maxEvents = 1024
    let events: UnsafeMutablePointer<apus_event>

    public init() throws {
        epfd = apus_epoll_create()
        if epfd < 0 { throw SystemError(call: "epoll_create1", errno: apus_errno()) }
        events = .allocate(capacity: maxEvents)
    }

    deinit {
        events.deallocate()
        close(epfd)
    }

    public func add(fd: Int32, mask: EventMask, token: UInt64) throws {
        if apus_epoll_ctl(epfd, apus_EPOLL_CTL_ADD, fd, mask.rawValue, token) != 0 {
            throw SystemError(call: "epoll_ctl(ADD)", errno: apus_errno())
        }
    }

    public func modify(fd: Int32, mask: EventMask, token: UInt64) {
        _ = apus_epoll_ctl(epfd, apus_EPOLL_CTL_MOD, fd, mask.rawValue, token)
    }

    public func remove(fd: Int32) {
        _ = apus_epoll_ctl(epfd, apus_EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Waits up to `timeoutMs` (-1 forever); returns the number of ready events, each
    /// readable through `event(at:)`. EINTR counts as zero events.
    public func poll(timeoutMs: Int32) -> Int {
        let n = apus_epoll_wait(epfd, events, Int32(maxEvents), timeoutMs)
        return n < 0 ? 0 : Int(n)
    }

    /// Like `poll(timeoutMs:)` with a microsecond timeout, for schedules finer than 1 ms.
    public func poll(timeoutUs: Int) -> Int {
        let n = apus_epoll_wait_us(epfd, events, Int32(maxEvents), timeoutUs)
        return n < 0 ? 0 : Int(n)
    }

    @inline(__always) public func event(at i: Int) -> (token: UInt64, readable: Bool, writable: Bool, error: Bool) {
        let e = events[i]
        let err = e.events & (apus_EPOLLERR | apus_EPOLLHUP) != 0
        return (e.data, e.events & apus_EPOLLIN != 0 || err, e.events & apus_EPOLLOUT != 0, err)
    }
}

