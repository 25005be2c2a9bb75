// The index of a sharded checkpoint (`*.index.json`): which shard file holds each tensor.
import Foundation

/// A parsed `weight_map`: tensor name → shard file name in the index's directory.
struct CheckpointIndex {
    /// The index file.
    let path: String
    /// Tensor name → shard file name.
    let shardOf: [String: String]
    /// Distinct shard file names in first-use order.
    let shards: [String]

    init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw EngineError.io(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        guard case let .object(map)? = try JSONValue.parse(data, path: path)["weight_map"] else {
            throw EngineError.malformed(path: path, message: "index has no 'weight_map' object")
        }
        var shardOf: [String: String] = [:]
        var shards: [String] = []
        var distinct = Set<String>()  // a set beside the ordered list: de-duplication stays linear
        for (name, value) in map {
            // Shards must sit next to the index: a name with a path could point anywhere.
            guard let shard = value.stringValue, !shard.isEmpty, !shard.contains("/"), shard != ".", shard != "..",
                  !shard.hasSuffix(".index.json") else {
                throw EngineError.malformed(path: path, message: "weight_map entry '\(name)' is not a file name in the same directory")
            }
            if distinct.insert(shard).inserted { shards.append(shard) }
            shardOf[name] = shard
        }
        guard !shards.isEmpty else { throw EngineError.malformed(path: path, message: "index has an empty 'weight_map'") }
        self.shardOf = shardOf
        self.shards = shards
    }

    /// The full path of a shard.
    func shardPath(_ shard: String) -> String {
        FilePath.join(FilePath.deletingLastComponent(path), shard)
    }

    /// Every shard's parameters (read by `read`), keeping each tensor only from the shard the map names,
    /// in shard order; throws when the map names a tensor its shard lacks.
    func parameters(_ read: (String) throws -> [Parameter]) throws -> [Parameter] {
        var collected: [Parameter] = []
        var seen = Set<String>()
        for shard in shards {
            let shardPath = shardPath(shard)
            guard FileManager.default.fileExists(atPath: shardPath) else {
                throw EngineError.io(path: shardPath, message: "shard named by \(FilePath.lastComponent(path)) is missing")
            }
            for parameter in try read(shardPath) where shardOf[parameter.name] == shard && seen.insert(parameter.name).inserted {
                collected.append(parameter)
            }
        }
        if let missing = shardOf.keys.sorted().first(where: { !seen.contains($0) }) {
            throw EngineError.malformed(path: path, message: "tensor '\(missing)' is not in its shard \(shardOf[missing] ?? "")")
        }
        return collected
    }
}
