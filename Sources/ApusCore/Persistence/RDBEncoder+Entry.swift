// Writing one keyspace entry as an RDB record (Redis's rdbSaveKeyValuePair and
// rdbSaveObject). The switches here are exhaustive over the stored types: a new type
// does not compile until it says how it is saved.

extension RDBEncoder {
    /// The type byte an entry is saved under.
    static func rdbType(of e: KeyEntry) -> RDBType {
        switch e.type {
        case .string: return .string
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
        }
    }

    /// A whole record: expire time, type byte, key, value.
    func writeEntry(_ e: KeyEntry, compress: Bool) {
        writeKeyPrefix(type: RDBEncoder.rdbType(of: e), key: e.key, expireMs: e.hasExpire ? e.expireAt : nil,
                       compress: compress)
        writeValue(of: e, compress: compress)
    }
}
