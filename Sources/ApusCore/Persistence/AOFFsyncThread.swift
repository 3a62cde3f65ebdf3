// The AOF's background fsync (Redis's bio AOF_FSYNC / CLOSE_FILE jobs): with
// `appendfsync everysec` the loop writes the AOF buffer itself and hands the fsync to
// this thread, so a slow disk delays writes (see AppendOnlyFile.flush) but never
// stalls the loop; a file replaced at a rewrite is fsynced and closed here too.

import Glibc
import CApusSys
import Synchronization

final class AOFFsyncThread {
    private enum Job { case fsync(Int32), fsyncAndClose(Int32) }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var jobs: [Job] = []
    private var started = false
    /// Jobs queued or running (bioPendingJobsOfType).
    private let pendingJobs = Atomic<Int>(0)
    /// The errno of the last failed fsync, 0 when the last one succeeded
    /// (aof_bio_fsync_status / aof_bio_fsync_errno).
    private let lastError = Atomic<Int32>(0)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    var pending: Int { pendingJobs.load(ordering: .acquiring) }
    var failure: Int32 { lastError.load(ordering: .acquiring) }
    func clearFailure() { lastError.store(0, ordering: .releasing) }

    func fsync(_ fd: Int32) { submit(.fsync(fd)) }
    func fsyncAndClose(_ fd: Int32) { submit(.fsyncAndClose(fd)) }

    private func submit(_ job: Job) {
        pthread_mutex_lock(mutex)
        if !started { startThread() }
        jobs.append(job)
        pendingJobs.add(1, ordering: .releasing)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    private func startThread() {
        started = true
        let rc = HelperThread.start { self.threadMain() }
        precondition(rc == 0, "cannot start the AOF fsync thread (error \(rc))")
    }

    private func threadMain() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty { pthread_cond_wait(cond, mutex) }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(mutex)
            switch job {
            case .fsync(let fd):
                record(apus_fsync(fd) == 0 ? 0 : errno)
            case .fsyncAndClose(let fd):
                record(apus_fsync(fd) == 0 ? 0 : errno)
                close(fd)
            }
            pendingJobs.subtract(1, ordering: .releasing)
        }
    }

    /// EBADF/EINVAL mean the file went away or cannot be synced (a closed fd, a pipe):
    /// not a disk failure, as 7.0 treats them.
    private func record(_ err: Int32) {
        if err == 0 || err == EBADF || err == EINVAL { lastError.store(0, ordering: .releasing) } else {
            lastError.store(err, ordering: .releasing)
        }
    }
}
