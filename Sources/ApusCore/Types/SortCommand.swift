// SORT and SORT_RO (Redis 7.0's sort.c): the elements of a list, set or sorted set,
// sorted numerically or (ALPHA) as bytes, optionally by the values of other keys (BY
// with a `*` pattern, `->field` for a hash field; a pattern without `*` means "do not
// sort"), paged with LIMIT, projected through GET patterns (`#` is the element itself),
// and with STORE written to a list. SORT_RO is the same without STORE.

import Glibc

enum SortCommand {
    static func sort(_ c: Client) { sortGeneric(c, readOnly: false) }
    static func sortRO(_ c: Client) { sortGeneric(c, readOnly: true) }

    /// One element being sorted: the element, and what it sorts by.
    private struct Item {
        var value: [UInt8]
        var score: Double = 0
        var by: [UInt8]?
    }

    /// Redis's lookupKeyByPattern: `#` is the element; otherwise the first `*` is
    /// replaced by it and the resulting key read as a string, or with `->field` as that
    /// field of a hash. Nil when there is no such value.
    static func lookup(_ c: Client, pattern: [UInt8], element: [UInt8]) -> [UInt8]? {
        if pattern == [35] { return element }      // "#"
        guard let star = pattern.firstIndex(of: 42) else { return nil }
        var fieldStart: Int?
        var i = star + 1
        while i + 1 < pattern.count {
            if pattern[i] == 45 && pattern[i + 1] == 62 {     // "->"
                if i + 2 < pattern.count { fieldStart = i + 2 }
                break
            }
            i += 1
        }
        let keyEnd = fieldStart.map { $0 - 2 } ?? pattern.count
        let key = Array(pattern[..<star]) + element + Array(pattern[(star + 1)..<keyEnd])
        let e = key.withUnsafeBytes { c.db.lookupReadNoStats($0, now: c.server.mstime) }
        if e == nil {
            c.server.stats.keyspaceMisses += 1
            key.withUnsafeBytes { c.db.notify(.keymiss, $0) }
        } else {
            c.server.stats.keyspaceHits += 1
        }
        guard let entry = e else { return nil }
        if let f = fieldStart {
            guard entry.type == .hash else { return nil }
            return Array(pattern[f...]).withUnsafeBytes { field in
                entry.object(as: HashValue.self).withValue(field) { Array($0) }
            }
        }
        guard entry.type == .string else { return nil }
        return entry.withStringValue { Array($0) }
    }

    /// Byte order with the shorter string first on a common prefix (compareStringObjects).
    @inline(__always) static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        let r = n == 0 ? 0 : a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, n) } }
        return r != 0 ? Int(r) : a.count - b.count
    }

    private static func sortGeneric(_ c: Client, readOnly: Bool) {
        var desc = false, alpha = false, dontSort = false
        var limitStart: Int64 = 0, limitCount: Int64 = -1
        var sortBy: [UInt8]?
        var store: Int?
        var gets: [[UInt8]] = []
        var j = 2
        while j < c.argc {
            let left = c.argc - j - 1
            if c.argEquals(j, "asc") {
                desc = false
            } else if c.argEquals(j, "desc") {
                desc = true
            } else if c.argEquals(j, "alpha") {
                alpha = true
            } else if c.argEquals(j, "limit") && left >= 2 {
                guard let s = c.argIntOrReply(j + 1), let n = c.argIntOrReply(j + 2) else { return }
                limitStart = s
                limitCount = n
                j += 2
            } else if !readOnly && c.argEquals(j, "store") && left >= 1 {
                store = j + 1
                j += 1
            } else if c.argEquals(j, "by") && left >= 1 {
                sortBy = c.argBytes(j + 1)
                if !sortBy!.contains(42) { dontSort = true }
                j += 1
            } else if c.argEquals(j, "get") && left >= 1 {
                gets.append(c.argBytes(j + 1))
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        var type: ObjectType = .list
        var list: ListValue?, set: SetValue?, zset: ZSetValue?
        if let e = c.lookupRead(1) {
            switch e.type {
            case .list: list = e.object(as: ListValue.self)
            case .set: set = e.object(as: SetValue.self)
            case .zset: zset = e.object(as: ZSetValue.self)
            default:
                c.addReplyError(ReplyErrors.wrongType)
                return
            }
            type = e.type
        }
        // 7.0 converts a listpack sorted set to a skiplist for good before sorting it
        // (SORT_RO too); OBJECT ENCODING shows it afterwards, so Apus does the same,
        // through the write lookup so a running snapshot keeps the old form.
        if let z = zset, z.encoding == .listpack, c.db.lookupWrite(c.arg(1), now: c.server.mstime) != nil {
            z.convertToSkiplist()
        }
        // An unsorted set would come out in table order: with STORE it must be the same
        // everywhere the command is replayed, so it is sorted as strings instead.
        if dontSort && type == .set && store != nil {
            dontSort = false
            alpha = true
            sortBy = nil
        }
        let total = Int64(list?.count ?? set?.count ?? zset?.count ?? 0)
        var start = min(max(limitStart, 0), total)
        let count = min(max(limitCount, -1), total)
        var end = count < 0 ? total - 1 : start + count - 1
        if start >= total {
            start = total - 1
            end = total - 2
        }
        if end >= total { end = total - 1 }

        // Load the elements: for an unsorted list or sorted set, only the window.
        var items: [Item] = []
        let windowed = dontSort && (type == .list || type == .zset)
        if windowed {
            if end >= start {
                let n = Int(end - start + 1)
                items.reserveCapacity(n)
                if let l = list {
                    l.forEach(from: Int(start), reverse: desc) { items.append(Item(value: Array($0))); return items.count < n }
                } else if let z = zset {
                    z.forEach(fromRank: Int(start), reverse: desc) { m, _ in items.append(Item(value: Array(m))); return items.count < n }
                }
                end -= start
                start = 0
            }
        } else if let l = list {
            items = l.elements().map { Item(value: $0) }
        } else if let s = set {
            s.forEach { items.append(Item(value: Array($0))) }
        } else if let z = zset {
            z.forEach { m, _ in items.append(Item(value: Array(m))); return true }
        }

        if !dontSort {
            var conversionError = false
            for i in items.indices {
                let by: [UInt8]
                if let pattern = sortBy {
                    guard let v = lookup(c, pattern: pattern, element: items[i].value) else { continue }
                    by = v
                } else {
                    by = items[i].value
                }
                if alpha {
                    if sortBy != nil { items[i].by = by }
                } else if let d = by.withUnsafeBytes({ Numbers.strtodWhole($0, refusingOverflow: true) }) {
                    items[i].score = d
                } else {
                    conversionError = true
                }
            }
            if conversionError {
                c.addReplyError("ERR One or more scores can't be converted into double")
                return
            }
            let byPattern = sortBy != nil
            // Stable, like the merge sort glibc's qsort uses.
            let order = items.indices.sorted { x, y in
                let a = items[x], b = items[y]
                var cmp: Int
                if !alpha {
                    cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.value, b.value)
                } else if byPattern {
                    switch (a.by, b.by) {
                    case (nil, nil): cmp = 0
                    case (nil, _): cmp = -1
                    case (_, nil): cmp = 1
                    case let (p?, q?): cmp = compareBytes(p, q)
                    }
                } else {
                    cmp = compareBytes(a.value, b.value)
                }
                if desc { cmp = -cmp }
                return cmp != 0 ? cmp < 0 : x < y
            }
            items = order.map { items[$0] }
        }

        let window = end >= start ? Array(items[Int(start)...Int(end)]) : []
        if let d = store {
            let out = ListCommands.newList(c)
            let fill = c.server.config.listMaxListpackSize
            for item in window {
                if gets.isEmpty {
                    item.value.withUnsafeBytes { out.push($0, atHead: false, fill: fill) }
                } else {
                    for g in gets {
                        (lookup(c, pattern: g, element: item.value) ?? []).withUnsafeBytes { out.push($0, atHead: false, fill: fill) }
                    }
                }
            }
            let n = out.count
            if n > 0 {
                let e = c.db.setObject(c.arg(d), out, now: c.server.mstime, event: .sortstore)
                if n > 1 { c.db.signalModified(e, changes: n - 1, event: .none) }
            } else {
                // Redis's dbDelete: an expired destination goes as a plain deletion.
                c.db.delete(c.arg(d), event: .del)
            }
            c.addReplyInteger(n)
            return
        }
        c.addReplyArrayLen(gets.isEmpty ? window.count : window.count * gets.count)
        for item in window {
            if gets.isEmpty { c.addReplyBulk(item.value); continue }
            for g in gets {
                if let v = lookup(c, pattern: g, element: item.value) { c.addReplyBulk(v) } else { c.addReplyNull() }
            }
        }
    }
}
