// A helper thread that writes byte chunks to a file descriptor, then fsyncs and closes
// it, so that the event loop never blocks on disk (Redis's bio threads play this role
// for closing and fsyncing files). The loop hands over chunks; completion is signalled
// through an eventfd the loop polls, never by touching loop state from the thread.

import Glibc
import CApusSys

public final class BackgroundWriter {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    private var closing = false
    /// Set by `abort`: drop what is queued, skip the fsync, finish quickly.
    private var aborting = false
    private var finishedFlag = false
    private var failedErrno: Int32 = 0
    private var written = 0
    private let fd: Int32
    private let notifyFd: Int32
    private var thread = pthread_t()
    /// rdb-save-incremental-fsync: fsync every 32 MB so the kernel never holds a huge
    /// dirty backlog that one final fsync would stall on.
    private let incrementalFsync: Bool
    private var sinceFsync = 0

    /// Starts the thread writing to `fd` (owned from now on) and signalling `notifyFd`.
    public init(fd: Int32, notifyFd: Int32, incrementalFsync: Bool = true) {
        self.fd = fd
        self.notifyFd = notifyFd
        self.incrementalFsync = incrementalFsync
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
        let ctx = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let w = Unmanaged<BackgroundWriter>.fromOpaque(arg!).takeRetainedValue()
            w.threadMain()
            return nil
        }, ctx)
        if rc != 0 {
            // No thread: report the failure through the same path a write error takes.
            Unmanaged<BackgroundWriter>.fromOpaque(ctx).release()
            threadStarted = false
            failedErrno = rc
            finishedFlag = true
            _ = Glibc.close(fd)
            var one: UInt64 = 1
            _ = Glibc.write(notifyFd, &one, 8)
        }
    }

    private var threadStarted = true

    deinit {
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(cond)
        mutex.deallocate()
        cond.deallocate()
    }

    /// Bytes handed over but not yet written (the buffered part of a forkless save).
    public var pendingBytes: Int {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        return queuedBytes
    }

    public var bytesWritten: Int {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        return written
    }

    public func enqueue(_ chunk: [UInt8]) {
        if chunk.isEmpty { return }
        pthread_mutex_lock(mutex)
        queue.append(chunk)
        queuedBytes += chunk.count
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// No more chunks: the thread writes what is queued, fsyncs, closes, signals.
    public func close() {
        pthread_mutex_lock(mutex)
        closing = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// (finished, errno of the first failure or 0).
    public var state: (finished: Bool, error: Int32) {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        return (finishedFlag, failedErrno)
    }

    public func join() { if threadStarted { pthread_join(thread, nil) } }

    /// Stops as soon as possible: queued bytes are dropped and the file is not synced
    /// (the caller removes it). Used when a save is cancelled.
    public func abort() {
        pthread_mutex_lock(mutex)
        aborting = true
        closing = true
        queue.removeAll()
        queuedBytes = 0
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    private func threadMain() {
        while true {
            pthread_mutex_lock(mutex)
            while queue.isEmpty && !closing { pthread_cond_wait(cond, mutex) }
            if queue.isEmpty && closing {
                pthread_mutex_unlock(mutex)
                break
            }
            let chunk = queue.removeFirst()
            pthread_mutex_unlock(mutex)
            var err: Int32 = 0
            chunk.withUnsafeBytes { b in
                var done = 0
                while done < b.count {
                    let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        err = errno
                        break
                    }
                    done += n
                }
            }
            sinceFsync += chunk.count
            if incrementalFsync && sinceFsync >= 32 * 1024 * 1024 {
                sinceFsync = 0
                _ = apus_fsync(fd)
            }
            pthread_mutex_lock(mutex)
            queuedBytes -= chunk.count
            written += chunk.count
            if err != 0 && failedErrno == 0 { failedErrno = err }
            // After a write error the file is useless: drop the rest.
            if err != 0 { queue.removeAll(); queuedBytes = 0 }
            pthread_mutex_unlock(mutex)
        }
        var err: Int32 = 0
        pthread_mutex_lock(mutex)
        let skipSync = aborting || failedErrno != 0
        pthread_mutex_unlock(mutex)
        if !skipSync && apus_fsync(fd) != 0 { err = errno }
        if Glibc.close(fd) != 0 && err == 0 { err = errno }
        pthread_mutex_lock(mutex)
        if err != 0 && failedErrno == 0 { failedErrno = err }
        finishedFlag = true
        pthread_mutex_unlock(mutex)
        var one: UInt64 = 1
        _ = Glibc.write(notifyFd, &one, 8)
    }
}
