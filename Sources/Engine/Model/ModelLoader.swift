// `load`: a weights file, a Hugging Face-style directory or a cached hub id, read into a lazy Model.
import Foundation

/// Finds, identifies and opens model checkpoints of every supported format.
public enum ModelLoader {
    /// Weight files looked for in a directory, in order of preference (safetensors first: mapped and safe).
    static let preferredWeights = [
        "model.safetensors.index.json", "model.safetensors",
        "pytorch_model.bin.index.json", "pytorch_model.bin",
        "tf_model.h5", "model.h5",
    ]
    /// Extensions of weight files picked up in a directory without an index or a preferred name.
    private static let weightExtensions = [".safetensors", ".bin", ".pt", ".pth", ".h5", ".gguf", ".onnx"]
    /// File names so generic that the directory names the model instead.
    private static let genericNames = Set(preferredWeights + ["model.pt", "model.pth", "model.bin"])

    /// Loads `spec`: a file, a directory, or a hub id such as `sentence-transformers/all-MiniLM-L6-v2`.
    /// `~` is expanded; relative paths are taken from `currentDirectory` (the process's by default).
    public static func load(_ spec: String, currentDirectory: String? = nil) throws -> Model {
        let path = resolve(spec, currentDirectory: currentDirectory)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue, PEFTAdapter.isAdapter(path) {
                return try loadAdapter(spec, base: nil, delta: false, currentDirectory: currentDirectory)
            }
            return isDirectory.boolValue ? try loadDirectory(path, name: nil) : try loadFile(path)
        }
        let fileLike = (weightExtensions + [".json"]).contains { spec.hasSuffix($0) }
        guard HuggingFaceCache.looksLikeID(spec), !fileLike else {
            throw EngineError.io(path: path, message: "no such file or directory" + Suggest.hint(forPath: path))
        }
        return try loadDirectory(HuggingFaceCache.snapshot(for: spec), name: spec)
    }

    /// Loads a PEFT adapter directory over `base`: the adapted model, or with `delta` the update alone.
    ///
    /// Without a base, the adapter config's `base_model_name_or_path` is tried (a path or an offline hub id).
    public static func loadAdapter(_ spec: String, base: Model?, delta: Bool, currentDirectory: String? = nil) throws -> Model {
        let path = resolve(spec, currentDirectory: currentDirectory)
        guard PEFTAdapter.isAdapter(path) else {
            throw EngineError.io(path: path, message: "not a PEFT adapter directory (no \(PEFTAdapter.configFile)); base= applies to adapters only")
        }
        let adapter = try PEFTAdapter(directory: path)
        var baseModel = base
        if baseModel == nil {
            guard let named = adapter.config["base_model_name_or_path"]?.stringValue, !named.isEmpty else {
                throw EngineError.invalidArgument("\(path) is a PEFT adapter and its config names no base model; give one: load(\"\(spec)\", base=m)")
            }
            do {
                baseModel = try load(named, currentDirectory: currentDirectory)
            } catch let error as EngineError {
                throw EngineError.invalidArgument("\(path) is a PEFT adapter over '\(named)', which could not be loaded (\(error)); give the base: load(\"\(spec)\", base=m)")
            }
        }
        guard let baseModel else { throw EngineError.invalidArgument("\(path): no base model for the adapter") }
        return delta ? try adapter.delta(base: baseModel) : try adapter.model(base: baseModel)
    }

    /// `spec` with `~` expanded and made absolute.
    static func resolve(_ spec: String, currentDirectory: String?) -> String {
        let expanded = FilePath.expandingTilde(spec)
        if expanded.hasPrefix("/") { return FilePath.standardized(expanded) }
        let base = currentDirectory ?? FileManager.default.currentDirectoryPath
        return FilePath.standardized(FilePath.join(base, expanded))
    }

    /// A Hugging Face-style directory: the preferred weights, `config.json` and a vocabulary file.
    static func loadDirectory(_ directory: String, name: String?, followModules: Bool = true) throws -> Model {
        let manager = FileManager.default
        let listing = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        var weights = preferredWeights.first { listing.contains($0) }
        if weights == nil {
            let candidates = listing.filter { file in weightExtensions.contains { file.hasSuffix($0) } }.sorted()
            guard candidates.count <= 1 else {
                throw EngineError.io(path: directory, message: "several weight files and no index: \(candidates.joined(separator: ", ")); load one of them")
            }
            weights = candidates.first
        }
        // Followed once only: a module path that is a symlink back up must not recurse.
        if weights == nil, followModules, let module = try transformerModule(directory) {
            return try loadDirectory(module, name: name ?? FilePath.lastComponent(directory), followModules: false)
        }
        guard let weights else {
            throw EngineError.io(path: directory, message: "no weights found (looked for \((preferredWeights + weightExtensions.map { "*" + $0 }).joined(separator: ", ")))")
        }
        return try loadFile(FilePath.join(directory, weights),
                            name: name ?? FilePath.lastComponent(directory), source: directory)
    }

    /// The transformer module of an older sentence-transformers directory (`modules.json` naming `0_Transformer/`).
    private static func transformerModule(_ directory: String) throws -> String? {
        let path = FilePath.join(directory, "modules.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let modules = try JSONValue.parse(data, path: path).arrayValue ?? []
        for module in modules where module["type"]?.stringValue?.hasSuffix(".Transformer") == true {
            // A module path must stay inside the directory.
            guard let sub = module["path"]?.stringValue, !sub.isEmpty, !sub.contains("/"), !sub.hasPrefix(".") else { continue }
            return FilePath.join(directory, sub)
        }
        return nil
    }

    /// One weights file, with `config.json` and vocabulary from the same directory when present.
    static func loadFile(_ path: String, name: String? = nil, source: String? = nil) throws -> Model {
        if try isGGUF(path) { return try GGUFModel.load(path: path, name: name, source: source) }
        let (parameters, format) = try readWeights(path)
        let directory = FilePath.deletingLastComponent(path)
        let configPath = FilePath.join(directory, "config.json")
        var config: JSONValue?
        if FileManager.default.fileExists(atPath: configPath) {
            do { config = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: configPath)), path: configPath) } catch let error as EngineError {
                throw error
            } catch {
                throw EngineError.io(path: configPath, message: "cannot read: \(error.localizedDescription)")
            }
        }
        let file = FilePath.lastComponent(path)
        let displayName = name ?? (genericNames.contains(file) ? FilePath.lastComponent(directory) : FilePath.deletingExtension(file))
        return Model(name: displayName, source: source ?? path, format: format, config: config,
                     parameters: parameters, vocabulary: VocabularySource.inDirectory(directory))
    }

    /// The parameters of a weights file, by what its first bytes say it is; and a description of the format.
    static func readWeights(_ path: String) throws -> (parameters: [Parameter], format: String) {
        if path.hasSuffix(".index.json") {
            let index = try CheckpointIndex(path: path)
            let parameters = try index.parameters { try readWeights($0).parameters }
            let mapped = index.shards.allSatisfy { $0.hasSuffix(".safetensors") }
            return (parameters, "\(index.shards.count) shards, " + (mapped ? "safetensors, memory-mapped" : "pytorch zip checkpoint"))
        }
        // ONNX files are protobuf messages, which have no magic: the extension says what they are.
        if path.hasSuffix(".onnx") { return try ONNXWeights.parameters(path: path) }
        let magic = try leadingBytes(path, count: 8)
        if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return (try PyTorchCheckpoint.parameters(path: path), "pytorch zip checkpoint")
        }
        if magic == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] {
            return (try KerasWeights.parameters(path: path), "keras hdf5")
        }
        if magic.first == 0x80, path.hasSuffix(".bin") || path.hasSuffix(".pt") || path.hasSuffix(".pth") || path.hasSuffix(".ckpt") {
            throw EngineError.malformed(path: path, message: "legacy (non-zip) PyTorch checkpoint: not supported; re-save it with torch >= 1.6 or convert it to safetensors")
        }
        return (try Safetensors.parameters(path: path), "safetensors, memory-mapped")
    }

    /// Whether `path` is a GGUF file: its name says so, or it starts with the GGUF magic.
    private static func isGGUF(_ path: String) throws -> Bool {
        if path.hasSuffix(".gguf") { return true }
        return try leadingBytes(path, count: 4) == GGUFFile.magic
    }

    private static func leadingBytes(_ path: String, count: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError.io(path: path, message: "cannot open for reading")
        }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
