// Chooses the architecture family of a model from its config and parameter names.
import Foundation

extension Architecture {
    /// The family's schema when one matches; otherwise an `unknown` architecture with no canonical entries.
    public static func infer(config: JSONValue?, parameters: [Parameter]) -> Architecture {
        let names = Set(parameters.map(\.name))
        let shapes = Dictionary(parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        for family in ArchitectureFamilies.all {
            if let architecture = family(config, names, shapes) { return architecture }
        }
        return Architecture(family: "unknown", layers: 0, width: 0, feedForward: 0, heads: 0, entries: [])
    }
}

/// A recogniser: returns the architecture when the names (and config) are of its family.
typealias ArchitectureRecogniser = (_ config: JSONValue?, _ names: Set<String>, _ shapes: [String: [Int]]) -> Architecture?

/// Every known family, tried in order.
enum ArchitectureFamilies {
    static let all: [ArchitectureRecogniser] = [BERTFamily.recognise]

    /// The largest L such that `format(L)` is a name, plus one (layers are numbered from 0).
    static func layerCount(_ names: Set<String>, _ format: (Int) -> String) -> Int {
        var count = 0
        while names.contains(format(count)) { count += 1 }
        return count
    }
}
