// A pickle interpreter for the opcodes torch.save emits: it builds data, and calls nothing on its own.
import Foundation

/// A mutable list shared through the pickle memo.
final class PickleList {
    var items: [PickleValue] = []
}

/// An immutable tuple; `depth` counts nested tuples (containers count as flat: they are torn down apart).
struct PickleTuple {
    let items: [PickleValue]
    let depth: Int
}

/// A mutable, insertion-ordered dict shared through the pickle memo (keys are strings or ints).
final class PickleDict {
    private(set) var keys: [PickleValue] = []
    private(set) var values: [PickleValue] = []
    private var positions: [String: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        let id = key.keyText
        if let position = positions[id] { values[position] = value; return }
        positions[id] = keys.count
        keys.append(key)
        values.append(value)
    }

    func get(_ key: String) -> PickleValue? { positions[key].map { values[$0] } }

    /// Drops every key and value (teardown of the object graph, see `PickleMachine`).
    func removeAll() {
        keys = []
        values = []
        positions = [:]
    }
}

/// A value on the pickle stack. `opaque` holds what the host builds (torch storages and tensors).
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    case opaque(AnyObject)

    /// Nesting depth through tuples (0 for anything else).
    var tupleDepth: Int {
        if case let .tuple(tuple) = self { return tuple.depth }
        return 0
    }

    /// The items, when the value is a tuple.
    var tupleItems: [PickleValue]? {
        if case let .tuple(tuple) = self { return tuple.items }
        return nil
    }

    /// A dict key as text (ints and strings; other keys by their kind).
    var keyText: String {
        switch self {
        case let .string(text): return text
        case let .int(value): return String(value)
        default: return "<\(kind)>"
        }
    }

    /// The kind of value, for messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(module, name): return "\(module).\(name)"
        case .opaque: return "object"
        }
    }
}

/// What a pickle may ask of its environment; the host decides what (if anything) to allow.
protocol PickleHost {
    /// Resolves `module.name` (GLOBAL / STACK_GLOBAL); throws for anything not allowed.
    func global(module: String, name: String) throws -> PickleValue
    /// Applies a callable to arguments (REDUCE, NEWOBJ).
    func call(_ callable: PickleValue, _ arguments: [PickleValue]) throws -> PickleValue
    /// Resolves a persistent id (BINPERSID).
    func persistent(_ id: PickleValue) throws -> PickleValue
}

/// Runs pickle opcodes over a byte buffer (protocols 0–5 as far as torch uses them).
struct PickleMachine {
    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private let host: PickleHost
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Limits that keep hostile input from exhausting memory or the call stack.
    private static let maximumStack = 10_000_000
    private static let maximumTupleDepth = 1_000
    /// Every list and dict made, so that teardown can empty them one by one: releasing a deeply nested
    /// (or cyclic) graph of containers recursively would overflow the call stack.
    private var containers: [AnyObject] = []
    private var registered = Set<ObjectIdentifier>()

    init(bytes: UnsafeRawBufferPointer, path: String, host: PickleHost) {
        self.bytes = bytes
        self.path = path
        self.host = host
    }

    private func bad(_ message: String) -> EngineError {
        .malformed(path: path, message: "pickle: \(message) (at byte \(position))")
    }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw bad("unexpected end of data") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    private mutating func byte() throws -> UInt8 { try take(1)[0] }

    private mutating func unsigned(_ count: Int) throws -> Int {
        let raw = try take(count)
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(raw[index]) }
        guard value <= UInt64(Int.max) else { throw bad("length out of range") }
        return Int(value)
    }

    private mutating func signed(_ count: Int) throws -> Int {
        let raw = try take(count)
        guard count <= 8 else { throw bad("integer of \(count) bytes is too large") }
        guard count > 0 else { return 0 }
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(raw[index]) }
        // Sign-extend from the top bit of the last byte.
        if count < 8, raw[count - 1] & 0x80 != 0 { value |= ~UInt64(0) << UInt64(count * 8) }
        return Int(Int64(bitPattern: value))
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw bad("unterminated text line") }
        let text = String(decoding: try take(end - position), as: UTF8.self)
        position += 1
        return text
    }

    private mutating func text(_ count: Int) throws -> String {
        guard let text = String(validating: try take(count), as: UTF8.self) else { throw bad("string is not UTF-8") }
        return text
    }

    private mutating func push(_ value: PickleValue) throws {
        guard stack.count < PickleMachine.maximumStack else { throw bad("stack too deep") }
        switch value {
        case let .list(list) where registered.insert(ObjectIdentifier(list)).inserted: containers.append(list)
        case let .dict(dict) where registered.insert(ObjectIdentifier(dict)).inserted: containers.append(dict)
        default: break
        }
        stack.append(value)
    }

    private mutating func pushTuple(_ items: [PickleValue]) throws {
        let depth = 1 + (items.map(\.tupleDepth).max() ?? 0)
        guard depth <= PickleMachine.maximumTupleDepth else { throw bad("tuples nested more than \(PickleMachine.maximumTupleDepth) deep") }
        try push(.tuple(PickleTuple(items: items, depth: depth)))
    }

    /// Empties every container, then drops the stack and memo, so nothing is released recursively.
    private mutating func tearDown() {
        for container in containers {
            if let list = container as? PickleList { list.items = [] }
            if let dict = container as? PickleDict { dict.removeAll() }
        }
        stack = []
        memo = [:]
        containers = []
        registered = []
    }

    private mutating func pop() throws -> PickleValue {
        // Popping below the innermost mark means the opcodes do not nest: malformed.
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else { throw bad("stack underflow") }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw bad("no mark on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func top() throws -> PickleValue {
        guard let value = stack.last else { throw bad("stack underflow") }
        return value
    }

    private mutating func memoGet(_ key: Int) throws -> PickleValue {
        guard let value = memo[key] else { throw bad("memo key \(key) was never stored") }
        return value
    }

    private mutating func setItems(_ target: PickleValue, _ items: [PickleValue]) throws {
        guard case let .dict(dict) = target else { throw bad("SETITEM on a \(target.kind), not a dict") }
        guard items.count % 2 == 0 else { throw bad("odd number of items for a dict") }
        for pair in stride(from: 0, to: items.count, by: 2) { dict.set(items[pair], items[pair + 1]) }
    }

    private mutating func append(_ target: PickleValue, _ items: [PickleValue]) throws {
        guard case let .list(list) = target else { throw bad("APPEND on a \(target.kind), not a list") }
        list.items += items
    }

    /// Runs to STOP and hands the result to `consume`; the object graph is torn down afterwards.
    mutating func run<T>(_ consume: (PickleValue) throws -> T) throws -> T {
        defer { tearDown() }
        return try consume(try execute())
    }

    private mutating func execute() throws -> PickleValue {
        while true {
            try Interruption.check()
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                 // PROTO
            case 0x95: _ = try take(8)                                // FRAME (length only)
            case UInt8(ascii: "."): return try pop()                  // STOP
            case UInt8(ascii: "("): marks.append(stack.count)         // MARK
            case UInt8(ascii: "0"): _ = try pop()                     // POP
            case UInt8(ascii: "1"): _ = try popToMark()               // POP_MARK
            case UInt8(ascii: "2"): try push(try top())               // DUP
            case UInt8(ascii: "N"): try push(.none)
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case UInt8(ascii: "J"): try push(.int(try signed(4)))     // BININT
            case UInt8(ascii: "K"): try push(.int(try unsigned(1)))   // BININT1
            case UInt8(ascii: "M"): try push(.int(try unsigned(2)))   // BININT2
            case 0x8A: try push(.int(try signed(try unsigned(1))))    // LONG1
            case 0x8B: try push(.int(try signed(try unsigned(4))))    // LONG4
            case UInt8(ascii: "I"):                                   // INT (text)
                let text = try line()
                if text == "01" || text == "00" { try push(.bool(text == "01")) } else {
                    guard let value = Int(text) else { throw bad("invalid INT '\(text)'") }
                    try push(.int(value))
                }
            case UInt8(ascii: "G"):                                   // BINFLOAT (big-endian)
                let raw = try take(8)
                try push(.float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case UInt8(ascii: "X"): try push(.string(try text(try unsigned(4))))   // BINUNICODE
            case 0x8C: try push(.string(try text(try unsigned(1))))                // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try unsigned(8))))                // BINUNICODE8
            case UInt8(ascii: "T"): try push(.string(String(decoding: try take(try unsigned(4)), as: UTF8.self)))  // BINSTRING
            case UInt8(ascii: "U"): try push(.string(String(decoding: try take(try unsigned(1)), as: UTF8.self)))  // SHORT_BINSTRING
            case UInt8(ascii: "B"): try push(.bytes(Array(try take(try unsigned(4)))))   // BINBYTES
            case UInt8(ascii: "C"): try push(.bytes(Array(try take(try unsigned(1)))))   // SHORT_BINBYTES
            case UInt8(ascii: ")"): try pushTuple([])
            case UInt8(ascii: "t"): try pushTuple(try popToMark())
            case 0x85: try pushTuple([try pop()])
            case 0x86: let b = try pop(), a = try pop(); try pushTuple([a, b])
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try pushTuple([a, b, c])
            case UInt8(ascii: "]"): try push(.list(PickleList()))
            case UInt8(ascii: "l"):
                let list = PickleList()
                list.items = try popToMark()
                try push(.list(list))
            case UInt8(ascii: "a"): let item = try pop(); try append(try top(), [item])
            case UInt8(ascii: "e"): let items = try popToMark(); try append(try top(), items)
            case UInt8(ascii: "}"): try push(.dict(PickleDict()))
            case UInt8(ascii: "d"):
                let dict = PickleValue.dict(PickleDict())
                try setItems(dict, try popToMark())
                try push(dict)
            case UInt8(ascii: "s"): let value = try pop(), key = try pop(); try setItems(try top(), [key, value])
            case UInt8(ascii: "u"): let items = try popToMark(); try setItems(try top(), items)
            case UInt8(ascii: "q"): memo[try unsigned(1)] = try top()              // BINPUT
            case UInt8(ascii: "r"): memo[try unsigned(4)] = try top()              // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                                // MEMOIZE
            case UInt8(ascii: "h"): try push(try memoGet(try unsigned(1)))         // BINGET
            case UInt8(ascii: "j"): try push(try memoGet(try unsigned(4)))         // LONG_BINGET
            case UInt8(ascii: "c"):                                                // GLOBAL
                let module = try line(), name = try line()
                try push(try host.global(module: module, name: name))
            case 0x93:                                                             // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case let .string(moduleText) = module, case let .string(nameText) = name else {
                    throw bad("STACK_GLOBAL needs two strings")
                }
                try push(try host.global(module: moduleText, name: nameText))
            case UInt8(ascii: "Q"): try push(try host.persistent(try pop()))       // BINPERSID
            case UInt8(ascii: "R"):                                                // REDUCE
                let arguments = try pop(), callable = try pop()
                guard let items = arguments.tupleItems else { throw bad("REDUCE arguments are a \(arguments.kind), not a tuple") }
                try push(try host.call(callable, items))
            case 0x81:                                                             // NEWOBJ
                let arguments = try pop(), callable = try pop()
                guard let items = arguments.tupleItems else { throw bad("NEWOBJ arguments are a \(arguments.kind), not a tuple") }
                try push(try host.call(callable, items))
            case UInt8(ascii: "b"):                                                // BUILD
                // State (e.g. an OrderedDict's `_metadata`) is not needed to read weights: dropped.
                _ = try pop()
                _ = try top()
            default:
                position -= 1
                throw bad(String(format: "unsupported opcode 0x%02X", opcode))
            }
        }
    }
}
