// Pairing a loaded model with a vocabulary and config from elsewhere (an ONNX export ships neither).
import Foundation

extension ModelLoader {
    /// Loads `spec` and, when given, takes its vocabulary and tokenizer files from `vocabulary` (a directory
    /// holding `tokenizer.json` / `vocab.json` / `vocab.txt`, or one such file) and lays `config` over the
    /// config read beside the weights (keys given win); the architecture is then recognised again.
    /// paraphrase-MiniLM-L3-v2's ONNX export, for example, uses the bert-base-uncased vocabulary that
    /// all-MiniLM-L6-v2 ships and needs `num_attention_heads` for a forward pass.
    public static func load(_ spec: String, vocabulary: String?, config: JSONValue?, currentDirectory: String? = nil) throws -> Model {
        let model = try load(spec, currentDirectory: currentDirectory)
        guard vocabulary != nil || config != nil else { return model }
        var source = model.vocabulary
        if let vocabulary {
            let path = resolve(vocabulary, currentDirectory: currentDirectory)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw EngineError.io(path: path, message: "no such file or directory (vocab= names a vocabulary file or a directory holding one)")
            }
            if isDirectory.boolValue {
                guard let found = VocabularySource.inDirectory(path) else {
                    throw EngineError.io(path: path, message: "no vocabulary file (\(VocabularySource.fileNames.joined(separator: ", "))) in this directory")
                }
                source = found
            } else {
                source = VocabularySource(file: path)
            }
        }
        var merged = model.config
        if let config {
            guard case let .object(given) = config else {
                throw EngineError.invalidArgument("config= must be a record of config.json keys, e.g. {num_attention_heads: 12}")
            }
            var members: [(key: String, value: JSONValue)] = []
            if case let .object(existing)? = model.config { members = existing.filter { member in !given.contains { $0.key == member.key } } }
            merged = .object(members + given)
        }
        return Model(name: model.name, source: model.source, format: model.format, kind: model.kind, config: merged,
                     parameters: model.parameters, vocabulary: source, gguf: model.gguf)
    }
}
