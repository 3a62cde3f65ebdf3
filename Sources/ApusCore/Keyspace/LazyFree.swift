// Lazy freeing (Redis's lazyfree.c and its background "lazy free" job): a value whose
// freeing costs more than 64 allocations (a big hash, set, sorted set, or a list of
// many nodes) is handed to a helper thread instead of being freed inside the command
// that deleted it — for UNLINK, for DEL with lazyfree-lazy-user-del, for overwrites
// with lazyfree-lazy-server-del, for expiry with lazyfree-lazy-expire and for the
// entries of a flushed database freed asynchronously.
//
// Memory accounting stays exact without locking the hot path: before the handoff the
// value's meter is switched to the thread's own meter, so the thread's frees only move
// that meter (below zero); the loop folds what was given back into the keyspace meter
// when it collects finished work (INFO lazyfreed_objects counts them).

import Glibc
import CApusSys
import Synchronization

final class LazyFree {
    /// Redis's LAZYFREE_THRESHOLD: values cheaper than this are freed in place.
    static let threshold = 64

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Where the thread's frees are counted; only the thread changes it.
    let threadMeter = MemoryMeter()
    // Guarded by `mutex`.
    private var jobs: [Unmanaged<AnyObject>] = []
    private var freedObjects = 0
    private var freedBytes = 0
    private var inFlight = 0
    private var started = false
    /// Objects handed over and not yet collected (INFO lazyfree_pending_objects).
    private let pendingCount = Atomic<Int>(0)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    var pending: Int { pendingCount.load(ordering: .relaxed) }

    /// Takes over `object` (one reference, already moved to `threadMeter`).
    func submit(_ object: Unmanaged<AnyObject>) {
        pthread_mutex_lock(mutex)
        if !started { startThread() }
        jobs.append(object)
        pendingCount.add(1, ordering: .relaxed)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// Finished work since the last call: how many objects went and the (negative)
    /// change of memory they represent.
    func collect() -> (objects: Int, bytes: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let r = (freedObjects, freedBytes)
        freedObjects = 0
        freedBytes = 0
        pendingCount.subtract(r.0, ordering: .relaxed)
        return r
    }

    /// Blocks until every handed object is freed (tests, shutdown).
    func drain() {
        while true {
            pthread_mutex_lock(mutex)
            let busy = !jobs.isEmpty || inFlight > 0
            pthread_mutex_unlock(mutex)
            if !busy { return }
            usleep(1000)
        }
    }

    private func startThread() {
        started = true
        let rc = HelperThread.start { self.threadMain() }
        precondition(rc == 0, "cannot start the lazy-free thread (error \(rc))")
    }

    private func threadMain() {
        pthread_mutex_lock(mutex)
        while true {
            while jobs.isEmpty { pthread_cond_wait(cond, mutex) }
            let batch = jobs
            jobs.removeAll()
            inFlight = batch.count
            pthread_mutex_unlock(mutex)
            for job in batch { job.release() }   // the last reference: the value is freed here
            pthread_mutex_lock(mutex)
            inFlight = 0
            freedObjects += batch.count
            freedBytes += threadMeter.bytes
            threadMeter.bytes = 0
        }
    }
}

extension Keyspace {
    /// Frees `e` (unlinked already): its value on the lazy-free thread when it is worth
    /// it and `lazy` allows, else in place.
    @inline(__always)
    func freeEntry(_ e: KeyEntry, lazy: Bool) {
        if lazy && e.isObject, let handed = handOffIfExpensive(e) {
            e.releaseObject()
            e.freeBlockOnly(meter: meter)
            lazyFree.submit(handed)
            return
        }
        e.free(meter: meter)
    }

    /// A retained reference to `e`'s object, moved to the thread's meter, when freeing
    /// it would cost more than the threshold; nil otherwise. Every other reference made
    /// here ends with this call, so after the entry lets go the thread holds the last.
    @inline(never)
    private func handOffIfExpensive(_ e: KeyEntry) -> Unmanaged<AnyObject>? {
        // A value a snapshot is still sending is kept by it, and freed when it is sent.
        guard let obj = e.storedObject, obj.freeEffort > LazyFree.threshold, !obj.isStreamedBySnapshot else { return nil }
        obj.detachMeter(lazyFree.threadMeter)
        return Unmanaged.passRetained(obj as AnyObject)
    }

    /// Drops the last reference to a value no key holds any more (a snapshot's, once
    /// it has sent it): on the lazy-free thread when freeing it is expensive.
    func freeDetachedObject(_ object: AnyObject) {
        guard let obj = object as? any StoredObject, obj.freeEffort > LazyFree.threshold else { return }
        obj.detachMeter(lazyFree.threadMeter)
        lazyFree.submit(Unmanaged.passRetained(obj as AnyObject))
    }

    /// Loop side: folds finished lazy frees into the accounting.
    func collectLazyFreed() {
        if lazyFree.pending == 0 { return }
        let (n, bytes) = lazyFree.collect()
        meter.bytes += bytes
        lazyfreedObjects += n
    }
}
