// Bounds on what a script can build: nesting depth of lists and records, size of repeated strings,
// and checked conversion of numbers to counts, so no input can trap or exhaust the shell.
import Engine

extension Value {
    /// Lists and records nest at most this deep. Releasing a nested value recurses once per level
    /// (an `indirect enum` frees its payload recursively), so an unbounded chain of `l = [l]`
    /// overflowed the stack when it was dropped; a bound at construction keeps every value releasable.
    static let maximumNesting = 1000

    /// The longest list one operation may build (2²⁶ items): `l = l + l` doubles, and 40 doublings
    /// would otherwise ask for terabytes before any check.
    static let maximumListItems = 1 << 26

    /// The largest string one operation may build (256 MiB): a result size checked before allocating.
    static let maximumStringBytes = 1 << 28

    /// How deeply lists and records nest inside this value (0 for a scalar), counted no further
    /// than `limit`, so measuring a deep value costs at most `limit` levels.
    func nesting(limit: Int = maximumNesting) -> Int {
        guard limit > 0 else { return 0 }
        switch self {
        case let .list(items): return 1 + items.reduce(0) { max($0, $1.nesting(limit: limit - 1)) }
        case let .record(record): return 1 + record.fields.reduce(0) { max($0, $1.value.nesting(limit: limit - 1)) }
        default: return 0
        }
    }

    /// `items` as the payload of a new list or record: throws when that container would nest deeper
    /// than `maximumNesting`.
    static func checkNesting(_ items: [Value]) throws {
        for item in items where item.nesting(limit: maximumNesting) >= maximumNesting {
            throw RuntimeError("lists and records nest more than \(maximumNesting) deep")
        }
    }

    /// A whole number as an `Int`, or nil when it is fractional, not finite, or beyond ±2⁵³
    /// (where doubles stop being exact); the one checked conversion from a script's number to a count.
    static func exactInt(_ number: Double) -> Int? {
        guard number.rounded() == number, abs(number) <= 9_007_199_254_740_992 else { return nil }
        return Int(number)
    }
}

extension Value {
    /// Throws when a string of `bytes` UTF-8 bytes would exceed `maximumStringBytes`.
    static func checkStringSize(_ bytes: Int) throws {
        guard bytes <= maximumStringBytes else {
            throw RuntimeError("the string would be \(bytes == Int.max ? "more than 2⁶³" : String(bytes)) bytes long (limit \(maximumStringBytes))")
        }
    }
}

extension Value {
    /// Throws when a list of `count` items would exceed `maximumListItems`.
    static func checkListSize(_ count: Int) throws {
        guard count <= maximumListItems else {
            throw RuntimeError("the list would have \(count) items (limit \(maximumListItems))")
        }
    }
}
