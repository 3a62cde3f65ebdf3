// What an entry holds. Strings live inline in the entry block (KeyEntry); every other
// type is an object the entry keeps a retained reference to — except that between
// commands a small hash, set or sorted set is only its compact block, held in a tagged
// "compact slot" (see the end of this file). Every object conforms to one protocol,
// StoredObject, for what the generic commands need of it: COPY duplicates it, MEMORY
// USAGE sizes it, OBJECT ENCODING names it, DEBUG DIGEST-VALUE hashes it.
//
// The set of types is closed: `ObjectType` has a case only for a type Apus stores, and
// the places that must know every type — the RDB writer and loader, the snapshot copy,
// `storedObject` below — switch over it exhaustively with no `default`. Adding a type
// is a new file with its class plus a new case here, and the compiler then points at
// each of those places.

/// The types the keyspace stores, with Redis's type codes (OBJ_STRING ...). A case
/// exists only once its type is implemented.
public enum ObjectType: UInt8 {
    case string = 0
    case list = 1
    case set = 2
    case zset = 3
    case hash = 4
    case stream = 6

    /// The name TYPE reports (and SCAN's TYPE filter matches).
    public var name: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .set: return "set"
        case .zset: return "zset"
        case .hash: return "hash"
        case .stream: return "stream"
        }
    }
}

/// Redis object encoding codes (OBJ_ENCODING_*), reported by OBJECT ENCODING.
public enum ObjectEncoding: UInt8 {
    case raw = 0, int = 1, hashtable = 2, zipmap = 3, linkedlist = 4, ziplist = 5
    case intset = 6, skiplist = 7, embstr = 8, quicklist = 9, stream = 10, listpack = 11

    public var name: String {
        switch self {
        case .raw: return "raw"
        case .int: return "int"
        case .hashtable: return "hashtable"
        case .zipmap: return "zipmap"
        case .linkedlist: return "linkedlist"
        case .ziplist: return "ziplist"
        case .intset: return "intset"
        case .skiplist: return "skiplist"
        case .embstr: return "embstr"
        case .quicklist: return "quicklist"
        case .stream: return "stream"
        case .listpack: return "listpack"
        }
    }
}

/// A value held by reference in an entry (every type but strings). Implementations
/// are final classes; the entry owns one retain.
public protocol StoredObject: AnyObject {
    /// The type code entries holding this class carry.
    static var objectType: ObjectType { get }
    /// The encoding OBJECT ENCODING reports now (compact encodings convert as they grow).
    var encoding: ObjectEncoding { get }
    /// A deep copy sharing nothing with `self` (COPY).
    func duplicate() -> Self
    /// Bytes held outside the entry block, sampling at most `samples` elements of the
    /// value (Int.max: all) as MEMORY USAGE does.
    func memoryUsage(samples: Int) -> Int
    /// Feeds the elements into `digest` as Redis's xorObjectDigest does for this type
    /// (ordered types mix each element, set-like ones xor them).
    func digest(into digest: inout DebugDigest)
    /// What freeing costs, in allocations (Redis's lazyfreeGetFreeEffort): 1 for a
    /// compact encoding, the element (or node) count otherwise.
    var freeEffort: Int { get }
    /// Counts the value's memory in `meter` from now on (the lazy-free thread's own).
    func detachMeter(_ meter: MemoryMeter)
    /// A value in its compact encoding gives up its one malloc'd block (listpack or
    /// intset, still counted in the meter) and is left empty, to be dropped: the entry
    /// then keeps the block itself (see "Compact slots" below). Nil otherwise.
    func surrenderCompactBlock() -> UnsafeMutableRawPointer?
    /// True while a snapshot sends the value element by element (it then holds it).
    var isStreamedBySnapshot: Bool { get }
}

extension StoredObject {
    public var isStreamedBySnapshot: Bool { false }
}

extension KeyEntry {
    /// The object of a non-string entry as its class. The type code is checked: asking
    /// a list entry for a hash is a programming error, not a cast that may fail. The
    /// database's lookups hand out entries with their object in place (never a compact
    /// slot).
    @inline(__always)
    public func object<T: StoredObject>(as: T.Type) -> T {
        precondition(type == T.objectType && isObject && !isCompactSlot, "entry holds a \(type.name), not \(T.self)")
        return unsafeDowncast(objectValue, to: T.self)
    }

    /// The held object through its protocol, or nil for an inline string or a compact
    /// slot. The one place that maps a type code to its class for the generic commands.
    public var storedObject: (any StoredObject)? {
        if isCompactSlot { return nil }
        switch type {
        case .string: return nil
        // A snapshot's copy of an entry holds its serialized value, not the object.
        case .hash: return isObject ? object(as: HashValue.self) : nil
        case .set: return isObject ? object(as: SetValue.self) : nil
        case .list: return isObject ? object(as: ListValue.self) : nil
        case .zset: return isObject ? object(as: ZSetValue.self) : nil
        case .stream: return isObject ? object(as: StreamValue.self) : nil
        }
    }

    /// The encoding OBJECT ENCODING reports: strings keep theirs in the header, objects
    /// answer for themselves.
    public var reportedEncoding: ObjectEncoding {
        // A compact slot's kind is kept in the header (`compactMaterialized`); a small
        // set of strings is a listpack inside but 7.0 calls every such set a hashtable.
        if isCompactSlot { return type != .set ? .listpack : encoding == .intset ? .intset : .hashtable }
        return storedObject?.encoding ?? encoding
    }

    // MARK: Compact slots

    /// A small hash, set of integers or sorted set is kept without its object: the value
    /// slot holds the listpack or intset block itself, tagged with bit 0 (object pointers
    /// are 16-byte aligned). That saves the object's allocation on every small collection.
    /// `Database` lookups turn the slot back into an object for the command that runs
    /// (`Database.materialize`), and after the command the block goes back into the slot
    /// (`Keyspace.compactMaterialized`).
    @inline(__always) public var isCompactSlot: Bool {
        isObject && raw.loadUnaligned(fromByteOffset: valueOffset, as: UInt.self) & 1 != 0
    }

    @inline(__always) var compactBlock: UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: raw.loadUnaligned(fromByteOffset: valueOffset, as: UInt.self) & ~1)!
    }

    /// The compact block's bytes as stored (the RDB writer copies them).
    var compactBytes: UnsafeRawBufferPointer {
        let b = compactBlock
        if type == .set && encoding == .intset { return Intset(adoptingBase: b).bytes }
        return Listpack(adoptingBase: b.assumingMemoryBound(to: UInt8.self)).bytes
    }

    /// Puts a compact block in the slot (the object that held it was released).
    func storeCompactBlock(_ b: UnsafeMutableRawPointer) {
        raw.storeBytes(of: UInt(bitPattern: b) | 1, toByteOffset: valueOffset, as: UInt.self)
        keyWord |= KeyEntry.objectBit
        valueLength = 8
    }

    /// Runs `body` with the value as an object, compact slots included (a transient
    /// object around the block, which stays the entry's). For reads only.
    public func withStoredObject<R>(_ body: (any StoredObject) -> R) -> R? {
        if !isCompactSlot { return storedObject.map(body) }
        let o = KeyEntry.transientObject(type: type, form: encoding, block: compactBlock, meter: KeyEntry.transientMeter)
        defer { _ = o.surrenderCompactBlock() }
        return body(o)
    }

    nonisolated(unsafe) static let transientMeter = MemoryMeter()

    /// An object around a compact block of an entry of `type`.
    static func transientObject(type: ObjectType, form: ObjectEncoding, block: UnsafeMutableRawPointer,
                                meter: MemoryMeter) -> any StoredObject {
        switch type {
        case .hash: return HashValue(meter: meter, reclaiming: block)
        case .set: return SetValue(meter: meter, reclaiming: block, isIntset: form == .intset)
        case .zset: return ZSetValue(meter: meter, reclaiming: block)
        case .string, .list, .stream: preconditionFailure("no compact slot for a \(type.name)")
        }
    }
}
