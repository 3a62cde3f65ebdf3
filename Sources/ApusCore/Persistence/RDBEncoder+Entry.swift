// Writing one keyspace entry as an RDB record (Redis's rdbSaveKeyValuePair and
// rdbSaveObject). The switches here are exhaustive over the stored types: a new type
// does not compile until it says how it is saved.

extension RDBEncoder {
    /// The type byte an entry is saved under.
    static func rdbType(of e: KeyEntry) -> RDBType {
        switch e.type {
        case .string: return .string
        case .hash: return e.reportedEncoding == .listpack ? .hashListpack : .hash
        case .set: return e.reportedEncoding == .intset ? .setIntset : .set
        case .list: return .listQuicklist2
        case .zset: return e.reportedEncoding == .listpack ? .zsetListpack : .zset2
        case .stream: return .streamListpacks2
        }
    }

    /// The value part of a record (rdbSaveObject); DEBUG OBJECT's serializedlength is
    /// the size of exactly this.
    func writeValue(of e: KeyEntry, compress: Bool) {
        switch e.type {
        case .string:
            if e.isInt {
                writeIntegerObject(e.intValue)
            } else {
                writeStringObject(e.stringBytes, compress: compress)
            }
        case .hash:
            // A snapshot copy carries the encoding made when it was taken.
            guard e.isObject else { writeBytes(e.stringBytes); return }
            if e.isCompactSlot { writeStringObject(e.compactBytes, compress: compress); return }
            writeHash(e.object(as: HashValue.self), compress: compress)
        case .set:
            guard e.isObject else { writeBytes(e.stringBytes); return }
            if e.isCompactSlot && e.encoding == .intset { writeStringObject(e.compactBytes, compress: compress); return }
            if e.isCompactSlot { _ = e.withStoredObject { writeSet($0 as! SetValue, compress: compress) }; return }
            writeSet(e.object(as: SetValue.self), compress: compress)
        case .list:
            guard e.isObject else { writeBytes(e.stringBytes); return }
            writeList(e.object(as: ListValue.self), compress: compress)
        case .zset:
            guard e.isObject else { writeBytes(e.stringBytes); return }
            if e.isCompactSlot { writeStringObject(e.compactBytes, compress: compress); return }
            writeZSet(e.object(as: ZSetValue.self), compress: compress)
        case .stream:
            guard e.isObject else { writeBytes(e.stringBytes); return }
            writeStream(e.object(as: StreamValue.self), compress: compress)
        }
    }

    /// A stream as 7.0 saves it (RDB_TYPE_STREAM_LISTPACKS_2): each node's master ID and
    /// listpack as they are, the counters, then every consumer group with its PEL and
    /// consumers (see RDBLoader.readStream).
    func writeStream(_ s: StreamValue, compress: Bool) {
        writeLength(s.nodeCount)
        s.forEachNode { master, lp in
            writeStringObject(master.encoded, compress: compress)
            writeStringObject(lp.bytes, compress: compress)
        }
        writeLength(s.length)
        writeLength(s.lastID.ms)
        writeLength(s.lastID.seq)
        writeLength(s.firstID.ms)
        writeLength(s.firstID.seq)
        writeLength(s.maxDeletedID.ms)
        writeLength(s.maxDeletedID.seq)
        writeLength(s.entriesAdded)
        writeLength(s.groups.count)
        for g in s.groups {
            writeStringObject(g.name, compress: compress)
            writeLength(g.lastID.ms)
            writeLength(g.lastID.seq)
            writeLength(UInt64(bitPattern: g.entriesRead))
            writeLength(g.pel.count)
            g.pel.forEach { id, nack in
                writeBytes(id.encoded)
                writeLE64(UInt64(bitPattern: nack.deliveryTime))
                writeLength(nack.deliveryCount)
                return true
            }
            writeLength(g.consumers.count)
            for c in g.consumers {
                writeStringObject(c.name, compress: compress)
                writeLE64(UInt64(bitPattern: c.seenTime))
                writeLength(c.pel.count)
                c.pel.forEach { id, _ in writeBytes(id.encoded); return true }
            }
        }
    }

    private func writeLE64(_ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { writeBytes($0) }
    }

    /// A sorted set as 7.0 saves it: the listpack as one string (ZSET_LISTPACK), or the
    /// member count then each member with its binary score, highest first (ZSET_2), so
    /// that a loader inserting them finds each new one at the head.
    func writeZSet(_ z: ZSetValue, compress: Bool) {
        if let lp = z.listpack {
            writeStringObject(lp.bytes, compress: compress)
            return
        }
        writeLength(z.count)
        z.forEach(reverse: true) { m, s in
            writeStringObject(m, compress: compress)
            writeBinaryDouble(s)
            return true
        }
    }

    /// A list as 7.0 saves it (QUICKLIST_2): the node count, then each node as a packed
    /// container holding its listpack — a compressed node as the LZF string it already is.
    func writeList(_ l: ListValue, compress: Bool) {
        writeLength(Int(l.nodeCount))
        for i in 0..<Int(l.nodeCount) {
            writeLength(2)
            switch l.storedNode(i) {
            case .packed(let lp): writeStringObject(lp.bytes, compress: compress)
            case .compressed(let lzf, let rawLength): writeLZFBlob(lzf, rawLength: rawLength)
            }
        }
    }

    /// A set as 7.0 saves it: the intset as one string (SET_INTSET), or the member
    /// count and each member (SET).
    func writeSet(_ s: SetValue, compress: Bool) {
        if let i = s.intset {
            writeStringObject(i.bytes, compress: compress)
            return
        }
        writeLength(s.count)
        s.forEach { writeStringObject($0, compress: compress) }
    }

    /// A hash as 7.0 saves it: the listpack as one string (HASH_LISTPACK), or the field
    /// count and each field and value (HASH).
    func writeHash(_ h: HashValue, compress: Bool) {
        if let lp = h.listpack {
            writeStringObject(lp.bytes, compress: compress)
            return
        }
        writeLength(h.count)
        h.forEach { f, v in
            writeStringObject(f, compress: compress)
            writeStringObject(v, compress: compress)
        }
    }

    /// A whole record: expire time, type byte, key, value.
    func writeEntry(_ e: KeyEntry, compress: Bool) {
        writeKeyPrefix(type: RDBEncoder.rdbType(of: e), key: e.key, expireMs: e.hasExpire ? e.expireAt : nil,
                       compress: compress)
        writeValue(of: e, compress: compress)
    }
}
