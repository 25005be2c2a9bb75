// The fuzzer's bytes read as a recipe for an HDF5 file: groups, datasets and attributes of every kind mvs
// decodes, under names the reader being fuzzed looks for (each harness brings its list), so that coverage guidance
// can assemble (and break) the layouts it reads. Shared by FuzzHDF5 (the importer) and FuzzKeras (Keras weights).
@testable import Engine

/// Decisions drawn front to back from the input; past its end every draw is 0.
struct Decisions {
    let bytes: [UInt8]
    /// The names the harness's reader looks for (attribute values, dataset and group names).
    let names: [String]
    var next = 0

    init(bytes: [UInt8], names: [String]) {
        self.bytes = bytes
        self.names = names
    }

    var exhausted: Bool { next >= bytes.count }

    mutating func byte() -> Int {
        defer { next += 1 }
        return next < bytes.count ? Int(bytes[next]) : 0
    }

    mutating func pick<T>(_ options: [T]) -> T { options[byte() % options.count] }

    /// A name the reader looks for (half the time) or 1–8 raw bytes as text.
    mutating func name() -> String {
        if byte() % 2 == 0 { return pick(names) }
        let length = 1 + byte() % 8
        return String(decoding: (0..<length).map { _ in UInt8(byte()) }, as: UTF8.self)
    }

    /// A shape of rank 0–3 with at most 64 elements.
    mutating func shape() -> [Int] {
        var shape: [Int] = []
        for _ in 0..<(byte() % 4) where shape.reduce(1, *) <= 16 { shape.append(byte() % 5) }
        return shape
    }

    mutating func double() -> Double { pick([0, 1, -1, .nan, .infinity, -.infinity, 1e300, 0.5, Double(byte()) / 16]) }

    mutating func integer() -> Int { pick([0, 1, -1, 2, 3, Int.max, Int.min, 1 << 40, byte() - 128]) }
}

/// What one recipe step does to the file being built.
enum Recipe {
    /// A file libhdf5 keeps in memory, built from `bytes` read as a recipe over `names`; the caller closes it.
    static func file(_ bytes: [UInt8], names: [String], path: String) throws -> HDF5Writer {
        var decisions = Decisions(bytes: bytes, names: names)
        let writer = try HDF5Writer(creating: path, displayPath: path, inMemory: true)
        build(&decisions, into: writer)
        return writer
    }

    /// Runs steps until the input runs out (at most 64), ignoring the ones libhdf5 refuses (a name taken twice).
    static func build(_ decisions: inout Decisions, into writer: HDF5Writer) {
        var groups = [""], objects = [""]
        for _ in 0..<64 where !decisions.exhausted {
            switch decisions.byte() % 4 {
            case 0:
                let path = HDF5File.join(decisions.pick(groups), decisions.name())
                if (try? writer.createGroup(path)) != nil { groups.append(path); objects.append(path) }
            case 1:
                let path = HDF5File.join(decisions.pick(groups), decisions.name())
                if let payload = try? dataset(&decisions), (try? writer.writeDataset(path, payload, compress: decisions.byte() % 8 == 0)) != nil {
                    objects.append(path)
                }
            case 2:
                try? writer.setAttribute(decisions.name(), attribute(&decisions), on: decisions.pick(objects))
            default:
                let path = decisions.pick(objects)
                if !path.isEmpty, (try? writer.delete(path)) != nil { objects.removeAll { $0 == path || $0.hasPrefix(path + "/") } }
            }
        }
    }

    private static func dataset(_ decisions: inout Decisions) throws -> HDF5Payload {
        let shape = decisions.shape(), count = shape.reduce(1, *)
        switch decisions.byte() % 5 {
        case 0: return try .doubles((0..<count).map { _ in decisions.double() }, shape: shape)
        case 1: return try .integers((0..<count).map { _ in decisions.integer() }, shape: shape)
        case 2: return try .bools((0..<count).map { _ in decisions.byte() % 2 == 1 }, shape: shape)
        case 3: return try .strings((0..<count).map { _ in decisions.name() }, shape: shape)
        default: return try .empty()
        }
    }

    private static func attribute(_ decisions: inout Decisions) -> HDF5AttributeValue {
        let count = decisions.byte() % 5
        switch decisions.byte() % 9 {
        case 0: return .string(decisions.name())
        case 1: return .strings((0..<count).map { _ in decisions.name() })
        case 2: return .integer(decisions.integer())
        case 3: return .integers((0..<count).map { _ in decisions.integer() })
        case 4: return .number(decisions.double())
        case 5: return .numbers((0..<count).map { _ in decisions.double() })
        case 6: return .bool(decisions.byte() % 2 == 1)
        case 7: return .bools((0..<count).map { _ in decisions.byte() % 2 == 1 })
        default: return .empty
        }
    }
}
