// Files that claim one of mvs's layouts (`mvs_type`) but lie about its contents: the importer refuses them with a
// message instead of trapping. Each case is a finding of FuzzHDF5, kept as its regression test.
@testable import Engine
import Testing

/// Imports an in-memory file holding one group `c` of layout `type`, whose members `fill` writes.
private func importLayout(_ type: String, _ fill: (HDF5Writer) throws -> Void) throws -> ExportValue {
    let writer = try HDF5Writer(creating: "lying.h5", displayPath: "lying.h5", inMemory: true)
    defer { try? writer.close() }
    try writer.createGroup("c")
    try writer.setAttribute("mvs_type", .string(type), on: "c")
    try fill(writer)
    return try HDF5Importer(file: writer.reader()).group(at: "")
}

/// A clustering of `labels` (and `k` when given), imported.
private func importClustering(_ labels: [Int], k: Int? = nil) throws -> ExportValue {
    try importLayout("clustering") { writer in
        try writer.writeDataset("c/labels", .integers(labels, shape: [labels.count]), compress: false)
        if let k { try writer.setAttribute("k", .integer(k), on: "c") }
    }
}

@Test func clusteringsWithLyingLabelsOrCountsAreRefusedWithAMessage() throws {
    // Int.max as a label made `max + 1` overflow; a huge `k` would size every per-cluster table.
    let cases: [(labels: [Int], k: Int?, message: String)] = [
        ([0, Int.max], nil, "clustering 'c' has labels outside 0..<2"),
        ([0, -1], nil, "clustering 'c' has labels outside 0..<1"),
        ([0, 1], 1 << 40, "clustering 'c' claims 1099511627776 clusters for 2 points"),
        ([0, 1], -3, "clustering 'c' claims -3 clusters for 2 points"),
    ]
    for (labels, k, message) in cases {
        let error = #expect(throws: EngineError.self) { try importClustering(labels, k: k) }
        #expect(error.map { "\($0)" }?.contains(message) == true, "\(labels), k \(k.map(String.init) ?? "none"): \(String(describing: error))")
    }
    // The honest file beside them reads back.
    guard case let .record(fields) = try importClustering([0, 1, 1]), case let .clustering(clustering)? = fields.first?.value else {
        Issue.record("a valid clustering did not import as one")
        return
    }
    #expect(clustering.clusterCount == 2 && clustering.assignments == [0, 1, 1])
}

@Test func clusteringsWithMoreNamesThanLabelsAreRefused() throws {
    // The display listed each cluster's members by indexing the labels through the names, past their end.
    let error = #expect(throws: EngineError.self) {
        try importLayout("clustering") { writer in
            try writer.writeDataset("c/labels", .integers([0, 1], shape: [2]), compress: false)
            try writer.writeDataset("c/names", .strings(["a", "b", "c"], shape: [3]), compress: false)
        }
    }
    #expect(error.map { "\($0)" }?.contains("clustering 'c' has 3 names for 2 labels") == true, "\(String(describing: error))")
}

@Test func vectorsWhoseNamesLabelsOrColumnsDisagreeWithTheMatrixAreRefused() throws {
    // plot() indexed the names by row and trapped on a 3-row matrix with one name.
    let matrix = [1.0, 2, 3, 4, 5, 6]
    let cases: [(shape: [Int], names: [String], labels: [String]?, columns: [String], counts: String)] = [
        ([3, 2], ["a"], nil, [], "a 3×2 matrix with 1 names, 0 labels and 0 column names"),
        ([3, 2], ["a", "b", "c"], ["x", "y", "z", "w"], [], "a 3×2 matrix with 3 names, 4 labels and 0 column names"),
        ([3, 2], ["a", "b", "c"], nil, ["p", "q", "r"], "a 3×2 matrix with 3 names, 0 labels and 3 column names"),
        ([6], ["a"], nil, [], "a 6 matrix with 1 names"),
    ]
    for (shape, names, labels, columns, counts) in cases {
        let error = #expect(throws: EngineError.self) {
            try importLayout("vectors") { writer in
                try writer.writeDataset("c/matrix", .doubles(matrix, shape: shape), compress: false)
                try writer.writeDataset("c/names", .strings(names, shape: [names.count]), compress: false)
                if let labels { try writer.writeDataset("c/labels", .strings(labels, shape: [labels.count]), compress: false) }
                if !columns.isEmpty { try writer.writeDataset("c/columns", .strings(columns, shape: [columns.count]), compress: false) }
            }
        }
        #expect(error.map { "\($0)" }?.contains("vectors 'c' hold \(counts)") == true, "\(String(describing: error))")
    }
}

@Test func similarityVectorsThatAreNotSquareAndTableMatricesThatMissTheirAxesNameTheFile() throws {
    let similarity = #expect(throws: EngineError.self) {
        try importLayout("vectors") { writer in
            try writer.writeDataset("c/matrix", .doubles([1, 2, 3, 4, 5, 6], shape: [3, 2]), compress: false)
            try writer.writeDataset("c/names", .strings(["a", "b", "c"], shape: [3]), compress: false)
            try writer.setAttribute("kind", .string("similarity"), on: "c")
        }
    }
    #expect(similarity.map { "\($0)" } == "lying.h5: vectors 'c' are a similarity matrix but 3×2, not square")
    let matrix = #expect(throws: EngineError.self) {
        try importLayout("table") { writer in
            try writer.writeDataset("c/a", .doubles([1, 2, 3], shape: [3]), compress: false)
            try writer.setAttribute("columns", .strings(["a"]), on: "c")
            try writer.writeDataset("c/m", .doubles(Array(repeating: 1, count: 10), shape: [2, 5]), compress: false)
            try writer.setAttribute("matrices", .strings(["m"]), on: "c")
            try writer.setAttribute("axes", .strings(["a", "a"]), on: "c/m")
            try writer.writeDataset("c/axes/a", .doubles([1, 2, 3], shape: [3]), compress: false)
        }
    }
    let message = matrix.map { "\($0)" } ?? ""
    #expect(message.hasPrefix("lying.h5: table matrix 'c/m' does not fit its axes: ") && message.contains("2×5"), "\(message)")
}
