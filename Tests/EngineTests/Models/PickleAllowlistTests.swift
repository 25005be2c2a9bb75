// The checkpoint pickle's allowlist: a refused global stops the pickle before anything is called.
import Foundation
import Testing
@testable import Engine

/// The checkpoint host, recording every call it is asked to make.
private final class RecordingHost: PickleHost {
    let inner: TorchPickleHost
    var calls: [String] = []

    init(directory: HDF5TempDirectory) throws {
        // The host needs an archive only for storages; an empty zip (its end record alone) serves.
        let path = directory.file("empty.zip")
        try Data([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)).write(to: URL(fileURLWithPath: path))
        inner = TorchPickleHost(path: "data.pkl", archive: try ZipArchive(file: MappedFile(path: path)), prefix: "")
    }

    func global(module: String, name: String) throws -> PickleValue { try inner.global(module: module, name: name) }

    func call(_ callable: PickleValue, _ arguments: [PickleValue]) throws -> PickleValue {
        calls.append(callable.kind)
        return try inner.call(callable, arguments)
    }

    func persistent(_ id: PickleValue) throws -> PickleValue { try inner.persistent(id) }
}

/// Runs pickle `bytes` under `host`; the root's kind, or the error's message.
private func run(_ bytes: [UInt8], _ host: RecordingHost) -> String {
    bytes.withUnsafeBytes { buffer in
        var machine = PickleMachine(bytes: buffer, path: "data.pkl", host: host)
        do { return try machine.run { $0.kind } } catch { return "\(error)" }
    }
}

/// `GLOBAL module name` then an argument tuple and REDUCE: the pickle way to call module.name(arguments).
private func reduce(_ module: String, _ name: String, arguments: [UInt8] = [0x29]) -> [UInt8] {
    [0x80, 0x02, UInt8(ascii: "c")] + Array("\(module)\n\(name)\n".utf8) + arguments + [UInt8(ascii: "R"), UInt8(ascii: ".")]
}

@Test(arguments: [("os", "system"), ("builtins", "eval"), ("builtins", "getattr"), ("subprocess", "Popen"),
                  ("torch", "load"), ("torch._utils", "_rebuild_tensor_v3"), ("collections", "orderedDict"),
                  ("torch.nn.modules.linear", "Linear"), ("__main__", "Net")])
func refusedGlobalNeverReachesACall(module: String, name: String) throws {
    let host = try RecordingHost(directory: HDF5TempDirectory())
    // X\x02\x00\x00\x00ls: the string "ls" as the one argument, as an exploit would pass it.
    let message = run(reduce(module, name, arguments: [0x58, 0x02, 0, 0, 0] + Array("ls".utf8) + [0x85]), host)
    #expect(message.contains("data.pkl asks for global '\(module).\(name)', which is refused"), "\(message)")
    #expect(host.calls.isEmpty, "a refused global was called: \(host.calls)")
}

@Test func everyAllowedGlobalIsAdmittedAndOnlyTheCallableOnesRun() throws {
    let host = try RecordingHost(directory: HDF5TempDirectory())
    for global in TorchGlobal.allCases {
        let parts = global.rawValue.split(separator: ".")
        #expect(throws: Never.self) { try host.global(module: parts.dropLast().joined(separator: "."), name: String(parts.last ?? "")) }
    }
    // The recorder does see calls: OrderedDict() runs and gives a dict; a type named for its class is not callable.
    #expect(run(reduce("collections", "OrderedDict"), host) == "dict")
    #expect(run(reduce("torch", "Tensor"), host).contains("data.pkl calls 'torch.Tensor', which cannot be called"))
    #expect(run(reduce("torch", "FloatStorage"), host).contains("data.pkl calls 'torch.FloatStorage', which cannot be called"))
    #expect(host.calls.count == 3)
}
