// An outgoing RESP connection driven by the event loop, for links where Apus is the
// client of another server and must never block: a sentinel's command and pub/sub
// links to the servers it watches and to other sentinels (Redis's instanceLink over
// hiredis' async API). Commands are queued with a callback for their reply; replies
// come back in order. On a subscribed link every reply that is not awaited (pub/sub
// messages, RESP3 push frames) goes to `onMessage`; so a RESP2 link that subscribed
// sends nothing else (a PING's reply could not be told from a message). The owner
// registers the socket with the loop and calls `handle` on its events; closing the
// socket takes it out of the poll set, and `onClose` reports a link that died.

import Glibc
import CApusSys

public final class OutgoingLink {
    public enum State: Equatable { case idle, connecting, connected, closed }

    /// The owner's identifier (event registrations, logs).
    public let id: UInt32
    public private(set) var state = State.idle
    public private(set) var fd: Int32 = -1
    /// Unix ms when the link was connected and when it last received a byte.
    public private(set) var connectedAtMs: Int64 = 0
    public private(set) var lastActivityMs: Int64 = 0
    /// Replies awaited, oldest first.
    private var pending: [(RESPValue) -> Void] = []
    private var pendingHead = 0
    private var output: [UInt8] = []
    /// Bytes of `output` already written (dropped in large steps, not per write).
    private var outputOffset = 0
    private var input: [UInt8] = []
    /// Unsolicited replies (pub/sub messages).
    public var onMessage: ((RESPValue) -> Void)?
    /// Called once when the link closes, with the reason.
    public var onClose: ((String) -> Void)?

    public init(id: UInt32) { self.id = id }

    /// Replies still awaited (Redis's link->pending_commands).
    public var pendingCount: Int { pending.count - pendingHead }

    /// Starts a non-blocking connect; false (and closed) if it failed at once.
    public func connect(host: String, port: Int, nowMs: Int64) -> Bool {
        var err: Int32 = 0
        let s = apus_tcp_connect_nonblock(host, Int32(port), &err)
        if s < 0 {
            state = .closed
            return false
        }
        adopt(fd: s, connecting: true, nowMs: nowMs)
        return true
    }

    /// Takes over a connected (or connecting) non-blocking socket.
    public func adopt(fd s: Int32, connecting: Bool, nowMs: Int64) {
        fd = s
        state = connecting ? .connecting : .connected
        connectedAtMs = nowMs
        lastActivityMs = nowMs
    }

    /// Queues a command; `reply` gets its reply (nil: the reply is read and dropped).
    /// Commands sent while connecting go out once the connection is up.
    public func send(_ args: [String], reply: ((RESPValue) -> Void)? = nil) {
        send(bytes: args.map { Array($0.utf8) }, reply: reply)
    }

    /// Queues a command given as bytes (keys and values that are not text).
    public func send(bytes args: [[UInt8]], reply: ((RESPValue) -> Void)? = nil) {
        guard state == .connecting || state == .connected else { return }
        var b = ByteBuffer(capacity: 64)
        RESPCommandEncoder.append(args, into: &b)
        output += b.readableView
        b.free()
        pending.append(reply ?? { _ in })
        if state == .connected { flush() }
    }

    /// Queues commands already RESP-encoded, `replies` of them, whose replies are
    /// read and dropped.
    public func sendEncoded(_ resp: UnsafeRawBufferPointer, replies: Int) {
        guard state == .connecting || state == .connected else { return }
        output += resp
        for _ in 0..<replies { pending.append({ _ in }) }
        if state == .connected { flush() }
    }

    /// Bytes queued and not yet written.
    public var queuedBytes: Int { output.count - outputOffset }

    /// True while there are bytes to write (the owner asks for writable events).
    public var wantsWrite: Bool { state == .connecting || (state == .connected && queuedBytes > 0) }

    /// Handles the socket's events: completes the connect, writes what is queued,
    /// reads and dispatches replies.
    public func handle(readable: Bool, writable: Bool, nowMs: Int64) {
        if state == .connecting {
            guard readable || writable else { return }
            let e = apus_socket_error(fd)
            if e != 0 {
                close(reason: String(cString: strerror(e)))
                return
            }
            state = .connected
            _ = apus_set_nodelay(fd)
            connectedAtMs = nowMs
        }
        guard state == .connected else { return }
        if queuedBytes > 0 { flush() }
        if readable && state == .connected { read(nowMs: nowMs) }
    }

    private func flush() {
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + outputOffset, $0.count - outputOffset) }
            if n < 0 {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { break }
                close(reason: String(cString: strerror(e)))
                return
            }
            outputOffset += n
        }
        if outputOffset == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            outputOffset = 0
        } else if outputOffset >= 1 << 20 {
            output.removeFirst(outputOffset)
            outputOffset = 0
        }
    }

    private func read(nowMs: Int64) {
        var buf = [UInt8](repeating: 0, count: 16 * 1024)
        while state == .connected {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { close(reason: "connection closed by peer"); return }
            if n < 0 {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK { break }
                if e == EINTR { continue }
                close(reason: String(cString: strerror(e)))
                return
            }
            lastActivityMs = nowMs
            input += buf[0..<n]
            if n < buf.count { break }
        }
        var p = 0
        while state == .connected {
            let value: RESPValue?
            do { value = try RESPReplyDecoder.decode(input, &p) } catch {
                close(reason: "\(error)")
                return
            }
            guard let v = value else { break }
            dispatch(v)
        }
        if p > 0 && state == .connected { input.removeFirst(p) }
    }

    private func dispatch(_ v: RESPValue) {
        if case .push = v, let m = onMessage { m(v); return }
        if pendingHead < pending.count {
            let cb = pending[pendingHead]
            pendingHead += 1
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            cb(v)
        } else if let m = onMessage {
            m(v)
        }
    }

    /// Closes the link: awaited replies are dropped, `onClose` is told once.
    public func close(reason: String) {
        if state == .closed || state == .idle { state = .closed; return }
        state = .closed
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        pending.removeAll()
        pendingHead = 0
        output.removeAll()
        outputOffset = 0
        input.removeAll()
        onClose?(reason)
    }
}
