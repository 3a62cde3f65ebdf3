// System calls in one place: the error a failed call is reported with, and the retry
// every blocking read and write needs when a signal interrupts it (EINTR) — the
// pattern of SwiftNIO's `syscall` wrapper, instead of a loop written at each call site.

import Glibc

/// A failed system call: the function name and errno, like SwiftNIO's IOError.
public struct SystemError: Error, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public init(call: String, errno: Int32) { self.call = call; self.errno = errno }
    public var description: String { "\(call): \(String(cString: strerror(errno)))" }
}

public enum SystemCall {
    /// Runs `call` again while it fails with EINTR; any other result (and errno on
    /// failure) is the caller's.
    @inlinable @inline(__always)
    public static func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }

    /// Writes all of `bytes` to a blocking descriptor, through short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = retryingEINTR { Glibc.write(fd, base + done, bytes.count - done) }
            if n < 0 { throw SystemError(call: "write", errno: errno) }
            done += n
        }
    }
}

/// Helper threads (lazy free, snapshot writer, AOF fsync): started detached, each
/// holding its own reference to what it serves until `body` returns.
enum HelperThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread; the pthread_create error code on failure.
    static func start(_ body: @escaping () -> Void) -> Int32 {
        let ctx = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, ctx)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(ctx).release()
            return rc
        }
        // Nobody joins: the loop never waits for a helper's write or fsync.
        pthread_detach(thread)
        return 0
    }
}
