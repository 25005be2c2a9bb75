// Token strings by id, loaded on first use from the model's vocabulary file.
import Foundation

/// Loads a vocabulary lazily and keeps it once loaded.
public final class VocabularySource: @unchecked Sendable {  // unchecked: `cached` is only touched under `lock`
    private let loader: () throws -> [String]
    private var cached: [String]?
    private let lock = NSLock()
    /// The directory of the vocabulary file, where its tokenizer files (`tokenizer_config.json`, …) are read too;
    /// nil when the vocabulary does not come from a file.
    public let directory: String?

    /// A vocabulary produced by `loader` on first use; `directory` holds its tokenizer files, if any.
    public init(directory: String? = nil, loader: @escaping () throws -> [String]) {
        self.loader = loader
        self.directory = directory
    }

    /// Token strings indexed by id.
    public func tokens() throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let loaded = try loader()
        cached = loaded
        return loaded
    }
}
